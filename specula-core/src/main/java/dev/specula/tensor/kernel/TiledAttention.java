package dev.specula.tensor.kernel;

import dev.specula.tensor.infra.GgmlExp;
import dev.specula.tensor.infra.LaneSum;
import dev.specula.tensor.infra.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * One query row of llama.cpp's tiled CPU flash attention ({@code ggml_compute_forward_flash_attn_ext_tiled}), the
 * kernel ggml runs once a batch has at least {@value #TILE} query rows and F16 or F32 keys and values. Keys and
 * values come in tiles of {@value #TILE} positions; for each tile:
 * <ul>
 *   <li>the scores, each a float fma chain over the head's components in order (its {@code simd_gemm}: the
 *       query in float, the keys as stored), times the scale;</li>
 *   <li>an online softmax: the running maximum, the accumulator and the sum rescaled by {@code expf(old - new)}
 *       when it rises; then the tile's exponentials through ggml's vector exp ({@link GgmlExp}), summed 16 at a time
 *       in {@code _mm512_reduce_add_ps}'s order ({@link LaneSum#of16}), the groups in double, added onto the float sum;</li>
 *   <li>the values added into a float accumulator, one fma chain per component over the tile's positions.</li>
 * </ul>
 * The accumulator is divided by the sum at the end. Every output is a chain of scalar roundings in a fixed order,
 * so the vectors here (over keys for the scores, over components for the values) give the same bits at any width.
 */
public final class TiledAttention {
    /** Query rows and key/value positions per tile (GGML_FA_TILE_Q, GGML_FA_TILE_KV). */
    public static final int TILE = 64;
    private static final VectorSpecies<Float> S = Lanes.F;

    private TiledAttention() {}

    /** Per-thread scratch: one tile of scores. */
    public static float[] scratch() {
        return new float[TILE];
    }

    /**
     * {@code out[oo..oo+hs)} = the attention of the query at {@code q[qo..qo+hs)} over positions {@code [0, n)}.
     * Component e of key t lies at {@code keysT[kBase + e * kStride + t]} (keys transposed, so that the scores
     * come out a vector of positions at a time), component e of value t at {@code values[vBase + t * hs + e]}.
     */
    public static void attend(float[] q, int qo, float[] keysT, int kBase, int kStride, float[] values, int vBase,
                              int n, int hs, float scale, float[] out, int oo, float[] p) {
        Arrays.fill(out, oo, oo + hs, 0f);
        float max = Float.NEGATIVE_INFINITY, sum = 0f;
        for (int first = 0; first < n; first += TILE) {
            int count = Math.min(TILE, n - first);
            scores(q, qo, keysT, kBase + first, kStride, hs, count, scale, p);
            float tileMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < count; j++) tileMax = Math.max(tileMax, p[j]);
            float newMax = Math.max(max, tileMax);
            if (newMax > max) {
                float ms = (float) Math.exp(max - newMax);
                scale(out, oo, hs, ms);
                sum *= ms;
            }
            max = newMax;
            for (int j = 0; j < count; j++) p[j] = GgmlExp.of(p[j] - max);
            Arrays.fill(p, count, TILE, 0f); // the padded positions' scores are -inf
            double tileSum = 0;
            for (int g = 0; g < TILE; g += 16) tileSum += LaneSum.of16(p, g);
            sum = (float) (sum + tileSum);
            for (int j = 0; j < count; j++) {
                axpy(p[j], values, vBase + (first + j) * hs, out, oo, hs);
            }
        }
        scale(out, oo, hs, sum == 0f ? 0f : 1f / sum);
    }

    /** {@code p[j] = (q · key j) * scale} for {@code count} keys from {@code kBase}, each an fma chain over e. */
    private static void scores(float[] q, int qo, float[] keysT, int kBase, int kStride, int hs, int count, float scale, float[] p) {
        int j = 0;
        for (int upper = S.loopBound(count); j < upper; j += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int e = 0; e < hs; e++) {
                acc = FloatVector.fromArray(S, keysT, kBase + e * kStride + j).fma(FloatVector.broadcast(S, q[qo + e]), acc);
            }
            acc.mul(scale).intoArray(p, j);
        }
        for (; j < count; j++) {
            float acc = 0f;
            for (int e = 0; e < hs; e++) acc = Math.fma(keysT[kBase + e * kStride + j], q[qo + e], acc);
            p[j] = acc * scale;
        }
    }

    /** {@code y[yo..yo+n) = fma(x[xo..], a, y)}. */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i).fma(av, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.fma(x[xo + i], a, y[yo + i]);
    }

    private static void scale(float[] x, int o, int n, float f) {
        for (int i = 0; i < n; i++) x[o + i] *= f;
    }
}
