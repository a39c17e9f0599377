package dev.specula.train;

import java.util.Map;

/** What {@link Trainer} trains: named parameters, their gradients, and a loss with its backward pass. */
public interface Trainable {

    Map<String, float[]> params();

    /** Same names as {@link #params()}; backward passes ADD into them. */
    Map<String, float[]> grads();

    /** A view on the same parameters with its own gradients, for another worker thread. */
    Trainable worker();

    void zeroGrad();

    /** Mean cross-entropy over the sequence's answer positions; ADDS the gradients. */
    float lossAndBackward(Trainer.Sequence s);
}
