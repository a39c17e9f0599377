package dev.specula.vision;

/**
 * Pillow's bicubic resize ({@code ImagingResample} with a = -0.5), as llama.cpp's {@code resize_pillow}
 * ports it: separable (horizontal pass, then vertical), the filter widened by the scale when shrinking,
 * coefficients normalised to sum 1 in double and then rounded to 22-bit fixed point, each pass rounding
 * back to 8 bits. Every step uses the same integer arithmetic so the bytes match llama.cpp exactly.
 */
public final class BicubicResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;

    private BicubicResampler() {}

    /** The image resized to {@code width x height}; the same object when the size is unchanged. */
    public static RgbImage resize(RgbImage src, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        RgbImage out = src;
        if (width != src.width()) {
            out = horizontal(out, width, new Coefficients(src.width(), width));
        }
        if (height != src.height()) {
            out = vertical(out, height, new Coefficients(src.height(), height));
        }
        return out;
    }

    static double filter(double x) {
        final double a = -0.5;
        if (x < 0) x = -x;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /** Per output position: the first input index, how many inputs, and their fixed-point weights. */
    static final class Coefficients {
        final int kernel;
        final int[] start;
        final int[] count;
        final int[] weights;

        Coefficients(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            kernel = (int) Math.ceil(support) * 2 + 1;
            start = new int[outSize];
            count = new int[outSize];
            weights = new int[outSize * kernel];
            double[] w = new double[kernel];
            double inverse = 1.0 / filterScale; // multiplied, not divided: the last bit matters
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                // (int) truncates toward zero, as C's cast does, before the clamp
                int min = Math.max(0, (int) (center - support + 0.5));
                int max = Math.min(inSize, (int) (center + support + 0.5));
                int n = max - min;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    w[i] = filter((i + min - center + 0.5) * inverse);
                    sum += w[i];
                }
                for (int i = 0; i < n; i++) {
                    double v = sum != 0 ? w[i] / sum : w[i];
                    weights[o * kernel + i] = (int) (v * (1 << PRECISION_BITS) + (v < 0 ? -0.5 : 0.5));
                }
                start[o] = min;
                count[o] = n;
            }
        }
    }

    private static RgbImage horizontal(RgbImage in, int width, Coefficients k) {
        int h = in.height(), inW = in.width();
        byte[] src = in.rgb();
        byte[] dst = new byte[width * h * 3];
        for (int y = 0; y < h; y++) {
            int row = y * inW;
            for (int x = 0; x < width; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int first = k.start[x], wBase = x * k.kernel;
                for (int i = 0; i < k.count[x]; i++) {
                    int p = (row + first + i) * 3;
                    int wt = k.weights[wBase + i];
                    s0 += (src[p] & 0xff) * wt;
                    s1 += (src[p + 1] & 0xff) * wt;
                    s2 += (src[p + 2] & 0xff) * wt;
                }
                int d = (y * width + x) * 3;
                dst[d] = clip8(s0);
                dst[d + 1] = clip8(s1);
                dst[d + 2] = clip8(s2);
            }
        }
        return new RgbImage(width, h, dst);
    }

    private static RgbImage vertical(RgbImage in, int height, Coefficients k) {
        int w = in.width();
        byte[] src = in.rgb();
        byte[] dst = new byte[w * height * 3];
        for (int y = 0; y < height; y++) {
            int first = k.start[y], wBase = y * k.kernel;
            for (int x = 0; x < w; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int i = 0; i < k.count[y]; i++) {
                    int p = ((first + i) * w + x) * 3;
                    int wt = k.weights[wBase + i];
                    s0 += (src[p] & 0xff) * wt;
                    s1 += (src[p + 1] & 0xff) * wt;
                    s2 += (src[p + 2] & 0xff) * wt;
                }
                int d = (y * w + x) * 3;
                dst[d] = clip8(s0);
                dst[d + 1] = clip8(s1);
                dst[d + 2] = clip8(s2);
            }
        }
        return new RgbImage(w, height, dst);
    }

    private static byte clip8(int fixedPoint) {
        int v = fixedPoint >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
