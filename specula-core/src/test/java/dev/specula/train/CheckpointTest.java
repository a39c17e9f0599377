package dev.specula.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class CheckpointTest {

    @Test
    void resumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        TrainableLlama.Shape shape = new TrainableLlama.Shape(40, 8, 1, 2, 1, 16, 32);
        Random r = new Random(1);
        List<Trainer.Sequence> data = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int[] ids = new int[6], t = new int[6];
            for (int j = 0; j < 6; j++) {
                ids[j] = r.nextInt(40);
                t[j] = r.nextInt(40);
            }
            data.add(new Trainer.Sequence(ids, t));
        }
        TrainableLlama whole = new TrainableLlama(shape, 2);
        AdamW wo = new AdamW(1e-2f, 0.01f, 1f, 2, 10);
        Trainer.train(whole, data.subList(0, 1), 4, 1, wo, 1, 3, null);
        Trainer.train(whole, data.subList(0, 1), 4, 1, wo, 1, 3, null);

        TrainableLlama first = new TrainableLlama(shape, 2);
        AdamW fo = new AdamW(1e-2f, 0.01f, 1f, 2, 10);
        Trainer.train(first, data.subList(0, 1), 4, 1, fo, 1, 3, null);
        Path ck = dir.resolve("ck.bin");
        Checkpoint.save(ck, first.params, fo);
        TrainableLlama resumed = new TrainableLlama(shape, 99);
        AdamW ro = new AdamW(1e-2f, 0.01f, 1f, 2, 10);
        Checkpoint.load(ck, resumed.params, ro);
        Trainer.train(resumed, data.subList(0, 1), 4, 1, ro, 1, 3, null);
        for (String n : whole.params.keySet()) assertArrayEquals(whole.params.get(n), resumed.params.get(n), n);
    }
}
