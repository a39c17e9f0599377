package dev.specula.sampling;

/** The {@code k} largest logits of one step, largest first (ties: lower id first), as llama.cpp's fixtures list them. */
public record TopLogits(int[] ids, float[] logits) {

    public static TopLogits of(float[] logits, int offset, int n, int k) {
        k = Math.min(k, n);
        int[] ids = new int[k];
        float[] values = new float[k];
        int size = 0;
        for (int id = 0; id < n; id++) {
            float v = logits[offset + id];
            if (size == k && !(v > values[k - 1])) continue;
            int at = size < k ? size++ : k - 1;
            // Insertion keeps ties in id order because ids arrive ascending and only strictly larger values move up.
            while (at > 0 && v > values[at - 1]) {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            values[at] = v;
            ids[at] = id;
        }
        return new TopLogits(ids, values);
    }
}
