package dev.specula.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.DoubleConsumer;

/** A progress bar on stderr for long work, fed with fractions in [0, 1]; silent when disabled. */
final class Progress implements AutoCloseable, DoubleConsumer {
    private static final int SCALE = 1000;
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, boolean enabled) {
        if (!enabled) return new Progress(null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate()
                .clearDisplayOnFinish().hideEta().build();
        return new Progress(bar);
    }

    @Override
    public void accept(double fraction) {
        if (bar != null) bar.stepTo(Math.round(Math.max(0, Math.min(1, fraction)) * SCALE));
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
