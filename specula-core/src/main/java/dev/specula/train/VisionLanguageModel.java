package dev.specula.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LLaVA's trainable half: a projector from frozen vision features to the language model's width, and
 * the language model that reads the projected rows in place of the image. Parameter names are those of
 * the two GGUF files they are written to (the projector's {@code mm.*} never clash with {@code blk.*}).
 */
public final class VisionLanguageModel implements Trainable {

    public final TrainableLlama lm;
    public final TrainableProjector projector;
    private final Map<String, float[]> params = new LinkedHashMap<>(), grads = new LinkedHashMap<>();

    public VisionLanguageModel(TrainableLlama lm, TrainableProjector projector) {
        if (projector.out != lm.shape.dim()) {
            throw new IllegalArgumentException("projector writes width " + projector.out + ", the model reads " + lm.shape.dim());
        }
        this.lm = lm;
        this.projector = projector;
        params.putAll(lm.params);
        params.putAll(projector.params);
        grads.putAll(lm.grads);
        grads.putAll(projector.grads);
    }

    @Override
    public Map<String, float[]> params() {
        return params;
    }

    @Override
    public Map<String, float[]> grads() {
        return grads;
    }

    @Override
    public Trainable worker() {
        return new VisionLanguageModel(lm.sharingParameters(), projector.sharingParameters());
    }

    @Override
    public void zeroGrad() {
        lm.zeroGrad();
        projector.zeroGrad();
    }

    @Override
    public float lossAndBackward(Trainer.Sequence s) {
        if (s.imageRows() == 0) return lm.lossAndBackward(s);
        TrainableProjector.Pass pass = projector.forward(s.features(), s.imageRows());
        float[] dRows = new float[pass.y().length];
        float loss = lm.lossAndBackward(s, pass.y(), dRows);
        projector.backward(pass, dRows);
        return loss;
    }
}
