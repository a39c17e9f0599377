package dev.specula.image;

import dev.specula.vision.RgbImage;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded BufferedImage as 8-bit RGB the way stb_image with 3 channels gives it: the stored colour
 * samples, alpha dropped without compositing, grey replicated to R=G=B, 16-bit samples cut to their
 * high byte. Samples are read from the raster, never through {@code getRGB}, which would
 * gamma-convert grey and premultiply nothing we want.
 */
final class RasterRgb {
    private RasterRgb() {}

    static RgbImage of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (cm instanceof IndexColorModel icm) {
            int n = icm.getMapSize();
            byte[] r = new byte[n], g = new byte[n], b = new byte[n];
            icm.getReds(r);
            icm.getGreens(g);
            icm.getBlues(b);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = Math.min(row[x], n - 1), o = (y * w + x) * 3;
                    out[o] = r[i];
                    out[o + 1] = g[i];
                    out[o + 2] = b[i];
                }
            }
            return new RgbImage(w, h, out);
        }
        int colourBands = cm.getNumColorComponents();
        int type = cm.getColorSpace().getType();
        if (colourBands == 1 || (colourBands == 3 && type == ColorSpace.TYPE_RGB)) {
            int[] row = new int[w];
            for (int c = 0; c < 3; c++) {
                int band = colourBands == 1 ? 0 : c;
                int bits = cm.getComponentSize(band);
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, band, row);
                    for (int x = 0; x < w; x++) {
                        out[(y * w + x) * 3 + c] = (byte) to8(row[x], bits);
                    }
                }
            }
            return new RgbImage(w, h, out);
        }
        // Any other colour space (a CMYK JPEG the plugin did not convert, for one): let Java2D convert it.
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            out[i * 3] = (byte) (argb[i] >> 16);
            out[i * 3 + 1] = (byte) (argb[i] >> 8);
            out[i * 3 + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, out);
    }

    /** A sample of {@code bits} bits as 8 bits, as stb_image scales: high byte of 16, replicate low depths. */
    static int to8(int v, int bits) {
        if (bits == 8) return v;
        if (bits > 8) return v >>> (bits - 8);
        return v * 255 / ((1 << bits) - 1);
    }
}
