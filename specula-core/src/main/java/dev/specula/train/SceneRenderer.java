package dev.specula.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Draws a scene with Java2D at a given square resolution; deterministic for a scene. */
public final class SceneRenderer {

    private SceneRenderer() {}

    public static BufferedImage render(Scene scene, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            switch (scene.background()) {
                case WHITE -> fill(g, new Color(245, 245, 245), size);
                case GREY -> fill(g, new Color(190, 190, 190), size);
                case STRIPED -> {
                    fill(g, new Color(235, 235, 235), size);
                    g.setColor(new Color(215, 215, 215));
                    int step = Math.max(4, size / 16);
                    for (int x = 0; x < size; x += 2 * step) g.fillRect(x, 0, step, size);
                }
            }
            double cell = size / 3.0;
            for (Scene.Thing t : scene.things()) {
                double r = cell * (t.size() == Scene.Size.LARGE ? 0.45 : 0.28);
                double cx = cell * (t.place().column() + 0.5);
                double cy = cell * (t.place().row() + 0.5);
                g.setColor(new Color(t.colour().r, t.colour().g, t.colour().b));
                draw(g, t.shape(), cx, cy, r);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void fill(Graphics2D g, Color c, int size) {
        g.setColor(c);
        g.fillRect(0, 0, size, size);
    }

    private static void draw(Graphics2D g, Scene.Shape shape, double cx, double cy, double r) {
        switch (shape) {
            case CIRCLE -> g.fill(new java.awt.geom.Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
            case SQUARE -> g.fill(new java.awt.geom.Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r));
            case TRIANGLE -> g.fill(polygon(cx, cy, r, 3, 1.0));
            case STAR -> g.fill(polygon(cx, cy, r, 5, 0.45));
        }
    }

    /** A regular polygon (inner == 1) or a star (inner < 1: alternate vertices at radius r * inner), point up. */
    private static Polygon polygon(double cx, double cy, double r, int points, double inner) {
        Polygon p = new Polygon();
        int n = inner < 1 ? 2 * points : points;
        for (int i = 0; i < n; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / n;
            double rr = (inner < 1 && i % 2 == 1) ? r * inner : r;
            p.addPoint((int) Math.round(cx + rr * Math.cos(a)), (int) Math.round(cy + rr * Math.sin(a)));
        }
        return p;
    }
}
