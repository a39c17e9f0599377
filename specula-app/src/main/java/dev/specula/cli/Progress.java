package dev.specula.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.DoubleConsumer;

/** A progress bar on stderr for long work, fed with fractions in [0, 1]; silent when disabled. */
class Progress implements AutoCloseable, DoubleConsumer {
    private static final int SCALE = 1000;
    private final ProgressBar bar;

    Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, boolean enabled) {
        if (!enabled) return new Progress(null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate()
                .clearDisplayOnFinish().hideEta().build();
        return new Progress(bar);
    }

    /** Like {@link #start}, with the estimated time left, for a long run of many similar steps. */
    static Progress withEta(String task, boolean enabled) {
        if (!enabled) return new Progress(null);
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build());
    }

    /**
     * An open-ended bar (elapsed time only) that appears only if the work is still running after
     * {@code delayMillis}, so that quick work prints nothing.
     */
    static Progress startDelayed(String task, long delayMillis) {
        ProgressBar[] holder = new ProgressBar[1];
        Object lock = new Object();
        Thread timer = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                holder[0] = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                        .clearDisplayOnFinish().build();
            }
        });
        return new Progress(null) {
            @Override
            public void close() {
                timer.interrupt();
                synchronized (lock) {
                    if (holder[0] != null) holder[0].close();
                }
            }
        };
    }

    @Override
    public void accept(double fraction) {
        if (bar != null) bar.stepTo(Math.round(Math.max(0, Math.min(1, fraction)) * SCALE));
    }

    /** A short text after the bar (a loss, a count); ignored when disabled. */
    void message(String text) {
        if (bar != null) bar.setExtraMessage(text);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
