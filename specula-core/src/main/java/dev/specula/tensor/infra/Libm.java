package dev.specula.tensor.infra;

/**
 * The float functions of glibc's libm (its flt-32 {@code e_expf.c}, {@code s_sinf.c}, {@code s_cosf.c}, after ARM's
 * optimized routines) that ggml's CPU ops call one value at a time: {@code expf} in attention's online softmax,
 * {@code sinf} and {@code cosf} in RoPE. Each works in double and rounds once to float, so it can be written here
 * bit for bit; Java's {@code (float) Math.exp(x)} and the like are nearly always the correctly rounded values, which
 * glibc's miss now and then by one unit in the last place (expf for about 1 argument in 2,000, sinf/cosf for about
 * 1.3% of the RoPE angles from position 19 on). Checked against glibc 2.36 on x86-64: expf on 1.3 million arguments
 * (random floats and the range [-40, 0] softmax uses), sinf and cosf on 537,355 (every RoPE angle of 4096 positions
 * and random floats): no difference. glibc's FMA build (which x86-64 CPUs with FMA run) contracts the polynomials
 * to fmas, as here; its results were the same without.
 */
public final class Libm {
    private Libm() {}

    private static final int EXP_BITS = 5, EXP_N = 1 << EXP_BITS;
    /** 2^(i/32) with i << 47 taken off its bits, so that adding k << 47 gives 2^(k/32). */
    private static final long[] EXP2_TABLE = {
            0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L,
            0x3fef72b83c7d517bL, 0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L,
            0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL, 0x3feedea64c123422L, 0x3feece086061892dL,
            0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L, 0x3feea47eb03a5585L,
            0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
            0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL,
            0x3feee89f995ad3adL, 0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L,
            0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL, 0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final double INV_LN2_N = 0x1.71547652b82fep+0 * EXP_N, EXP_SHIFT = 0x1.8p+52;
    private static final double E0 = 0x1.c6af84b912394p-5 / EXP_N / EXP_N / EXP_N, E1 = 0x1.ebfce50fac4f3p-3 / EXP_N / EXP_N,
            E2 = 0x1.62e42ff0c52d6p-1 / EXP_N;
    private static final int EXP_LIMIT = top12(88f);

    /**
     * glibc's {@code expf}: x·32/ln 2 split into an integer k and a remainder r, 2^(k/32) from a table, 2^(r/32) a cubic
     * in double, the product rounded once to float. It is off the correctly rounded value for about 1 argument in
     * 2,000 (ggml calls it in its attention's online softmax).
     */
    public static float exp(float x) {
        int top = top12(x);
        if (top >= EXP_LIMIT) {
            if (x == Float.NEGATIVE_INFINITY) return 0f;
            if (top >= INF) return x + x;
            if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;
            if (x < -0x1.9fe368p6f) return 0f;
        }
        double z = INV_LN2_N * x;
        double kd = z + EXP_SHIFT;
        long ki = Double.doubleToRawLongBits(kd);
        kd -= EXP_SHIFT;
        double r = z - kd;
        double s = Double.longBitsToDouble(EXP2_TABLE[(int) (ki & (EXP_N - 1))] + (ki << (52 - EXP_BITS)));
        double p = Math.fma(E0, r, E1);
        double r2 = r * r;
        double y = Math.fma(E2, r, 1.0);
        y = Math.fma(p, r2, y);
        return (float) (y * s);
    }

    /** cos(x) polynomial coefficients c0..c4; the second table, negated, serves quadrants 2 and 3. */
    private static final double C0 = 1.0, C1 = -0x1.ffffffd0c621cp-2, C2 = 0x1.55553e1068f19p-5,
            C3 = -0x1.6c087e89a359dp-10, C4 = 0x1.99343027bf8c3p-16;
    private static final double S1 = -0x1.555545995a603p-3, S2 = 0x1.1107605230bc4p-7, S3 = -0x1.994eb3774cf24p-13;
    /** 2/π scaled by 2^24, so that the quadrant lands in bits 24..31 of the truncated product; π/2; π/2 · 2^-62. */
    private static final double HALF_PI_INV = 0x1.45F306DC9C883p+23, HALF_PI = 0x1.921FB54442D18p0, PI63 = 0x1.921FB54442D18p-62;
    /** 4/π to 192 bits, 8 new bits per entry. */
    private static final int[] INV_PIO4 = {
            0xa2, 0xa2f9, 0xa2f983, 0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
            0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
            0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041};
    private static final int PI_4 = top12(0x1.921FB6p-1f), TINY = top12(0x1p-12f), LARGE = top12(120f), INF = top12(Float.POSITIVE_INFINITY);

    /** glibc's {@code sinf}. */
    public static float sin(float y) {
        return eval(y, false);
    }

    /** glibc's {@code cosf}. */
    public static float cos(float y) {
        return eval(y, true);
    }

    private static float eval(float y, boolean cos) {
        int top = top12(y);
        double x = y;
        if (top < PI_4) {
            if (top < TINY) return cos ? 1f : y;
            return poly(x, x * x, false, cos ? 1 : 0);
        }
        if (top >= INF) return Float.NaN;
        int n, quadrant;
        if (top < LARGE) {
            n = ((int) (x * HALF_PI_INV) + 0x800000) >> 24;
            x = Math.fma(-n, HALF_PI, x);
            quadrant = n;
        } else {
            // reduces |y|; a negative argument moves the sign and table quadrant on by one, not the polynomial
            int bits = Float.floatToRawIntBits(y);
            long r = reduceLarge(bits);
            n = (int) ((r + (1L << 61)) >>> 62);
            x = (double) (r - ((long) n << 62)) * PI63;
            quadrant = n + (bits >>> 31);
        }
        double s = ((quadrant + 1) & 2) == 0 ? 1.0 : -1.0; // quadrant signs 1, -1, -1, 1
        return poly(x * s, x * x, (quadrant & 2) != 0, cos ? n ^ 1 : n);
    }

    /** The fraction of |x|·4/π as a 64-bit fixed-point value with two integer bits (glibc's reduce_large, before rounding). */
    private static long reduceLarge(int bits) {
        int table = (bits >>> 26) & 15;
        long m = ((((bits & 0xffffff) | 0x800000) & 0xffffffffL) << ((bits >>> 23) & 7)) & 0xffffffffL;
        long r0 = (m * (INV_PIO4[table] & 0xffffffffL)) & 0xffffffffL;
        long r1 = m * (INV_PIO4[table + 4] & 0xffffffffL);
        long r2 = m * (INV_PIO4[table + 8] & 0xffffffffL);
        return ((r2 >>> 32) | (r0 << 32)) + r1;
    }

    /** sin(x) for even n, cos(x) for odd n; {@code negated} takes the cos table with its signs flipped. */
    private static float poly(double x, double x2, boolean negated, int n) {
        if ((n & 1) == 0) {
            double x3 = x * x2;
            double s1 = Math.fma(x2, S3, S2);
            double x7 = x3 * x2;
            double s = Math.fma(x3, S1, x);
            return (float) Math.fma(x7, s1, s);
        }
        double sign = negated ? -1.0 : 1.0;
        double x4 = x2 * x2;
        double c2 = Math.fma(x2, sign * C4, sign * C3);
        double c1 = Math.fma(x2, sign * C1, sign * C0);
        double x6 = x4 * x2;
        double c = Math.fma(x4, sign * C2, c1);
        return (float) Math.fma(x6, c2, c);
    }

    private static int top12(float x) {
        return (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    }
}
