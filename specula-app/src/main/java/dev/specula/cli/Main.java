package dev.specula.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code specula} command: multimodal language models with speculative decoding. */
@Command(name = "specula", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs LLaVA-family models from GGUF files, fast, with speculative decoding.",
        subcommands = {GenerateCommand.class, ServeCommand.class, InspectCommand.class, TokenizeCommand.class, SynthCommand.class, BenchPerfCommand.class, BenchCommand.class,
                DataCommand.class, TrainCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Errors::handle);
        cl.setParameterExceptionHandler(Errors::handleUsage);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // picocli's handler sees exceptions only
            cl.getErr().println("specula: error: " + Errors.message(e));
            cl.getErr().flush();
            return Errors.FAILURE;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"specula " + (v != null ? v : "dev") + " (Java " + Runtime.version() + ")"};
        }
    }
}
