package dev.specula.train;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SceneWorldTest {

    @Test
    void generatorIsDeterministicForASeed() {
        SceneWorld a = new SceneWorld(7), b = new SceneWorld(7);
        for (int i = 0; i < 50; i++) {
            Scene sa = a.scene(SceneWorld.Split.TRAIN, i), sb = b.scene(SceneWorld.Split.TRAIN, i);
            assertEquals(sa, sb);
            for (Task t : Task.values()) assertEquals(t.example(sa), t.example(sb));
            assertArrayEquals(pixels(SceneRenderer.render(sa, 64)), pixels(SceneRenderer.render(sb, 64)));
        }
    }

    @Test
    void splitsAndSeedsGiveDifferentScenes() {
        SceneWorld w = new SceneWorld(7);
        Set<Scene> train = new HashSet<>();
        for (int i = 0; i < 200; i++) train.add(w.scene(SceneWorld.Split.TRAIN, i));
        assertTrue(train.size() > 150, "train scenes mostly distinct: " + train.size());
        int same = 0;
        for (int i = 0; i < 200; i++) if (w.scene(SceneWorld.Split.VALIDATION, i).equals(w.scene(SceneWorld.Split.TRAIN, i))) same++;
        assertTrue(same < 5, "validation differs from train");
        assertNotEquals(w.scene(SceneWorld.Split.TRAIN, 0), new SceneWorld(8).scene(SceneWorld.Split.TRAIN, 0));
    }

    @Test
    void captionNamesEveryThingsColourSizeShapeAndPlace() {
        SceneWorld w = new SceneWorld(3);
        for (int i = 0; i < 200; i++) {
            Scene s = w.scene(SceneWorld.Split.VALIDATION, i);
            String c = Task.CAPTION.example(s).reference();
            assertTrue(s.things().size() >= 1 && s.things().size() <= 3);
            for (Scene.Thing t : s.things()) {
                assertTrue(c.contains(Task.phrase(t) + " " + t.place().phrase), c);
            }
        }
    }

    @Test
    void qaAnswerLetterPointsAtTheTrueChoice() {
        SceneWorld w = new SceneWorld(3);
        int[] letters = new int[3];
        for (int i = 0; i < 300; i++) {
            Scene s = w.scene(SceneWorld.Split.TEST, i);
            Task.Example ex = Task.QA.example(s);
            assertEquals(3, ex.choices().size());
            assertEquals(3, new HashSet<>(ex.choices()).size(), "choices distinct");
            String right = ex.choices().get(ex.answer().charAt(0) - 'A');
            boolean matches = s.things().stream().anyMatch(t -> right.equals(Scene.word(t.colour())) || right.equals(Scene.word(t.shape())));
            assertTrue(matches, ex.prompt() + " -> " + ex.reference());
            assertTrue(ex.reference().endsWith("The answer is (" + ex.answer() + ")."));
            letters[ex.answer().charAt(0) - 'A']++;
            java.util.List<String> order = java.util.Arrays.stream(ex.prompt().startsWith("What colour") ? Scene.Colour.values() : Scene.Shape.values())
                    .map(Scene::word).toList();
            assertTrue(ex.choices().stream().map(order::indexOf).sorted().toList()
                    .equals(ex.choices().stream().map(order::indexOf).toList()), "choices in the world's order: " + ex.prompt());
        }
        for (int l : letters) assertTrue(l > 60, "answer letters roughly uniform");
    }

    @Test
    void rendererPaintsTheThingsColourAtItsPlace() {
        SceneWorld w = new SceneWorld(5);
        for (int i = 0; i < 50; i++) {
            Scene s = w.scene(SceneWorld.Split.TRAIN, i);
            BufferedImage img = SceneRenderer.render(s, 96);
            for (Scene.Thing t : s.things()) {
                int x = 16 + 32 * t.place().column(), y = 16 + 32 * t.place().row() + 2;
                int rgb = img.getRGB(x, y);
                assertEquals(t.colour().r, (rgb >> 16) & 255, t + " at " + x + "," + y);
                assertEquals(t.colour().g, (rgb >> 8) & 255);
                assertEquals(t.colour().b, rgb & 255);
            }
        }
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
