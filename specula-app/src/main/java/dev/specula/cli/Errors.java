package dev.specula.cli;

import dev.specula.gguf.GgufFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns any failure into one clear line on stderr and a non-zero exit. Stack traces only with --verbose,
 * because a user who gave a bad file needs the file's name and the problem, not our call stack.
 */
final class Errors {
    static final int USAGE = 2;
    static final int FAILURE = 1;

    private Errors() {}

    static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        // --verbose belongs to the subcommand, so look at the innermost parse result
        CommandLine.ParseResult innermost = parsed;
        while (innermost.hasSubcommand()) innermost = innermost.subcommand();
        boolean verbose = innermost.hasMatchedOption("--verbose");
        cl.getErr().println("specula: error: " + message(e));
        if (verbose) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return FAILURE;
    }

    static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("specula: " + e.getMessage());
        cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        return USAGE;
    }

    static String message(Throwable e) {
        return switch (e) {
            case NoSuchFileException n -> "file not found: " + n.getFile();
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case GgufFormatException g -> "invalid GGUF file: " + g.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "); try a smaller context (-c), a smaller"
                    + " model, or a larger Java heap (SPECULA_JAVA_OPTS=-Xmx...)";
            case IOException io when io.getMessage() != null -> io.getMessage();
            case RuntimeException r when r.getMessage() != null -> r.getMessage();
            default -> e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        };
    }
}
