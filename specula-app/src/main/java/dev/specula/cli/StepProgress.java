package dev.specula.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar over a known number of steps, with ETA and a short message (a loss); silent when disabled. */
final class StepProgress implements AutoCloseable {
    private final ProgressBar bar;

    private StepProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static StepProgress start(String task, long steps, boolean enabled) {
        if (!enabled || steps <= 0) return new StepProgress(null);
        return new StepProgress(new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build());
    }

    void step(long done, float loss) {
        if (bar == null) return;
        bar.stepTo(done);
        bar.setExtraMessage(String.format(" loss %.4f", loss));
    }

    void step(long done, String message) {
        if (bar == null) return;
        bar.stepTo(done);
        bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
