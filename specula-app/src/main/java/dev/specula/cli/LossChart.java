package dev.specula.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** The training loss per step as a line on a white PNG-ready image. */
final class LossChart {
    private LossChart() {}

    static BufferedImage draw(List<Float> losses) {
        int w = 640, h = 360;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        float max = 0;
        for (float l : losses) max = Math.max(max, l);
        g.setColor(Color.BLACK);
        g.drawString(String.format("training loss over %d steps (max %.2f, last %.3f)", losses.size(), max, losses.getLast()), 10, 15);
        g.setColor(new Color(30, 90, 200));
        for (int i = 1; i < losses.size(); i++) {
            int x0 = 10 + (i - 1) * (w - 20) / losses.size(), x1 = 10 + i * (w - 20) / losses.size();
            int y0 = h - 10 - (int) (losses.get(i - 1) / max * (h - 40)), y1 = h - 10 - (int) (losses.get(i) / max * (h - 40));
            g.drawLine(x0, y0, x1, y1);
        }
        g.dispose();
        return img;
    }
}
