package dev.specula.vision;

/**
 * LLaVA-1.5's image preprocessing as llama.cpp does it for an mmproj without grid pinpoints: letterbox
 * to image_size x image_size (scale in float32, sizes rounded up, Pillow bicubic resize, centred on a
 * (122,116,104) canvas), then per-channel {@code (v/255 - mean) / std}.
 */
public final class ImagePreprocessor {
    /** llama.cpp's letterbox colour for LLaVA: the CLIP mean in bytes. */
    static final byte[] PAD = {(byte) 122, (byte) 116, (byte) 104};

    private final int imageSize;
    private final float[] mean;
    private final float[] std;

    public ImagePreprocessor(int imageSize, float[] mean, float[] std) {
        if (imageSize <= 0 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("need a positive image size and 3 means and stds");
        }
        this.imageSize = imageSize;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static ImagePreprocessor of(ClipConfig config) {
        return new ImagePreprocessor(config.imageSize(), config.imageMean(), config.imageStd());
    }

    public int imageSize() {
        return imageSize;
    }

    /** The normalised pixels the vision tower takes: 3 planes (R, G, B) of image_size² floats, row-major. */
    public float[] preprocess(RgbImage image) {
        return normalize(letterbox(image));
    }

    /**
     * The image fitted into image_size², aspect kept: an image already that size is returned as is, any
     * other is resized to {@code min(ceil(w*scale), S) x min(ceil(h*scale), S)} and pasted at
     * {@code ((S-w')/2, (S-h')/2)} on the pad colour.
     */
    public RgbImage letterbox(RgbImage image) {
        int s = imageSize, w = image.width(), h = image.height();
        if (w == s && h == s) {
            return image;
        }
        float scale = Math.min((float) s / w, (float) s / h);
        int newW = Math.min((int) Math.ceil(w * scale), s);
        int newH = Math.min((int) Math.ceil(h * scale), s);
        RgbImage resized = BicubicResampler.resize(image, newW, newH);
        byte[] canvas = new byte[s * s * 3];
        for (int i = 0; i < canvas.length; i += 3) {
            canvas[i] = PAD[0];
            canvas[i + 1] = PAD[1];
            canvas[i + 2] = PAD[2];
        }
        int ox = (s - newW) / 2, oy = (s - newH) / 2;
        for (int y = 0; y < newH; y++) {
            System.arraycopy(resized.rgb(), y * newW * 3, canvas, ((oy + y) * s + ox) * 3, newW * 3);
        }
        return new RgbImage(s, s, canvas);
    }

    /** Per-channel normalisation of a square image, in float32 as llama.cpp computes it, to planar order. */
    public float[] normalize(RgbImage square) {
        int s = imageSize;
        if (square.width() != s || square.height() != s) {
            throw new IllegalArgumentException("expected a " + s + "x" + s + " image, got " + square.width() + "x" + square.height());
        }
        int plane = s * s;
        float[] out = new float[3 * plane];
        byte[] rgb = square.rgb();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + i] = ((rgb[i * 3 + c] & 0xff) / 255f - mean[c]) / std[c];
            }
        }
        return out;
    }
}
