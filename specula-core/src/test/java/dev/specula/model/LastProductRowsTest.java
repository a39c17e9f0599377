package dev.specula.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The last block's attention output product keeps each output row's place in llama.cpp's batched kernels. */
class LastProductRowsTest {

    /** Whether llama.cpp's repacked Q4_K product adds row {@code i} of a batch of {@code n} through its gemm. */
    private static boolean gemm(int i, int n) {
        return n >= 4 && i < n - n % 4;
    }

    @Test
    void outputRowsAddAsInTheWholeBatch() {
        for (int n = 1; n <= 40; n++) {
            for (int outputs = 1; outputs <= n; outputs++) {
                int rows = LlamaModel.lastProductRows(n, outputs);
                assertThat(rows).as("n %d outputs %d", n, outputs).isBetween(outputs, Math.min(n, outputs + 4));
                if (n > 1) assertThat(rows).as("n %d: a batch, as llama.cpp's (F16: llamafile)", n).isGreaterThan(1);
                for (int j = 0; j < outputs; j++) {
                    int whole = n - outputs + j, part = rows - outputs + j;
                    assertThat(gemm(part, rows)).as("n %d outputs %d row %d", n, outputs, whole).isEqualTo(gemm(whole, n));
                }
            }
        }
    }
}
