package dev.specula.engine;

import dev.specula.model.LlamaModel;
import dev.specula.tensor.Parallel;

/**
 * The per-generation state one request holds while it runs: the target's and the draft's KV caches and
 * scratch, and the thread pool their passes run on. Weights are not here; they are shared.
 */
final class Session implements AutoCloseable {
    final int id;
    final Parallel pool;
    final boolean ownsPool;
    final LlamaModel target;
    final LlamaModel draft;

    Session(int id, Parallel pool, boolean ownsPool, LlamaModel target, LlamaModel draft) {
        this.id = id;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.target = target;
        this.draft = draft;
    }

    @Override
    public void close() {
        target.close();
        if (draft != null) draft.close();
        if (ownsPool) pool.close();
    }
}
