package dev.specula.cli;

import dev.specula.engine.EngineConfig;
import dev.specula.tensor.Backend;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options that several commands take alike, each declared once here and mixed in with {@code @Mixin}
 * where the command lists it (its help shows the option at the mixin field's place). An option whose
 * default or meaning differs from command to command (train's {@code --threads}, bench-perf's
 * {@code --backend both}, bench's drafters) stays with its command.
 */
final class SharedOptions {
    private SharedOptions() {}

    static final class Threads {
        @Option(names = {"-t", "--threads"}, description = "Threads in all (default: all cores).") Integer threads;

        int count() {
            return threads != null ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    static final class Kernels {
        @Option(names = "--backend", defaultValue = "java", description = "Kernels: java (pure Java), native (the optional "
                + "int8 library) or auto (native when it loaded) (default: ${DEFAULT-VALUE}).") String backend;

        void select() {
            Backend.select(Backend.parse(backend));
        }
    }

    static final class ProgressBars {
        @Option(names = "--quiet", description = "No progress bars.") boolean quiet;

        boolean shown() {
            return !quiet;
        }
    }

    /** Read by {@link Errors} from the parse result, so that it works before any command runs. */
    static final class Verbose {
        @Option(names = "--verbose", description = "Show stack traces on errors.") boolean verbose;
    }

    static final class DraftMax {
        @Option(names = "--draft-max", defaultValue = "4", description = "Draft length γ (default: ${DEFAULT-VALUE}).") int draftMax;
    }

    /** Beside the target: its vision tower and a drafter, a draft model (with its image adapter) or n-grams. */
    static final class Models {
        @Option(names = "--mmproj", description = "Vision tower + projector (mmproj GGUF).") Path mmproj;
        @Option(names = "--draft", description = "Draft model (GGUF) with the target's vocabulary: speculative decoding.") Path draft;
        @Option(names = "--draft-mmproj", description = "The draft's image adapter (mmproj-style GGUF with mm.0/mm.2).") Path draftMmproj;
        @Option(names = "--draft-ngram", description = "Prompt-lookup drafting with n-grams up to N (no draft model).") Integer draftNgram;

        /** The demo world's vision tower and image-adapter draft where none was given. */
        void defaultTo(DemoModels demo) {
            if (mmproj == null) mmproj = demo.mmproj();
            if (draft == null && draftNgram == null) {
                draft = demo.adapterDraft();
                draftMmproj = demo.adapterMmproj();
            }
        }

        EngineConfig applyTo(EngineConfig c) {
            c = c.withMmproj(mmproj);
            if (draft != null) c = c.withDraft(draft, draftMmproj);
            if (draftNgram != null) c = c.withNgram(draftNgram);
            return c;
        }
    }
}
