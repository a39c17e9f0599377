package dev.specula.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** Writes a run's cells as results.md (laid out like the paper's table), results.csv and results.json. */
public final class Report {

    private Report() {}

    public static void write(Path dir, List<CellResult> cells, String command, String machine) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(cells, command, machine), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.csv"), csv(cells), StandardCharsets.UTF_8);
        ObjectNode root = CellStore.JSON.createObjectNode();
        root.put("command", command);
        root.put("machine", machine);
        root.set("cells", CellStore.JSON.valueToTree(cells));
        Files.writeString(dir.resolve("results.json"),
                CellStore.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root), StandardCharsets.UTF_8);
    }

    /** The greedy cells whose speculative output differed from target-only output. */
    public static List<CellResult> mismatches(List<CellResult> cells) {
        return cells.stream().filter(c -> !c.allIdentical()).toList();
    }

    /** The best-γ tables alone, for the terminal. */
    public static String summary(List<CellResult> cells) {
        StringBuilder sb = new StringBuilder();
        List<String> tasks = distinct(cells, CellResult::task);
        for (double temp : distinct(cells, CellResult::temperature)) {
            sb.append(temp <= 0 ? "greedy (T = 0)" : "T = " + temp).append(", each drafter at its best γ per task (highest MBSU; speedup: measured (predicted)):\n");
            table(sb, cells, tasks, c -> c.temperature() == temp, true);
            sb.append('\n');
        }
        return sb.toString();
    }

    static String markdown(List<CellResult> cells, String command, String machine) {
        StringBuilder sb = new StringBuilder("# specula bench\n\n");
        sb.append("```\n").append(command).append("\n```\n\n").append(machine).append("\n\n");
        List<CellResult> bad = mismatches(cells);
        if (!bad.isEmpty()) {
            sb.append("**WARNING: greedy speculative output differed from target-only output in ").append(bad.size())
                    .append(" cell(s)**; speculative decoding must be lossless:\n\n");
            for (CellResult c : bad) {
                sb.append(String.format(Locale.ROOT, "- %s, %s, γ %d: %.0f%% identical, differing samples %s%n",
                        c.task(), c.drafter(), c.gamma(), 100 * c.identicalFraction(), c.mismatched()));
            }
            sb.append('\n');
        }
        sb.append("τ: block efficiency (tokens per target pass). MBSU: memory-bound speedup τ / (1 + c·γ̄), c = draft/target")
                .append(" parameters. Speedup: measured decode tokens/s, speculative over target-only (median over samples); in brackets the")
                .append(" prediction τ / (γ̄·c_draft + r(γ̄+1)) from this machine's measured costs (r(k): the target's verify-cost curve, c_draft: a draft step over a target step).\n");
        List<String> tasks = distinct(cells, CellResult::task);
        for (double temp : distinct(cells, CellResult::temperature)) {
            String t = temp <= 0 ? "greedy (T = 0)" : String.format(Locale.ROOT, "T = %s", temp);
            sb.append("\n## ").append(t).append(", at each drafter's best γ per task (highest MBSU)\n\n");
            table(sb, cells, tasks, c -> c.temperature() == temp, true);
            for (int gamma : distinct(cells, CellResult::gamma)) {
                sb.append("\n### ").append(t).append(", γ = ").append(gamma).append("\n\n");
                table(sb, cells, tasks, c -> c.temperature() == temp && c.gamma() == gamma, false);
            }
        }
        sb.append("\n## Every cell\n\n");
        sb.append("| task | drafter | γ | T | τ | acceptance | by position | γ̄ | MBSU | speedup | predicted | end-to-end |")
                .append(" target tok/s | spec tok/s | quality target | quality spec | identical |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CellResult c : cells) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.2f | %.2f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.3f | %.3f | %s |%n",
                    c.task(), c.drafter(), c.gamma(), c.temperature(), c.tau(), c.acceptanceRate(), positions(c, " "),
                    c.meanGamma(), c.mbsu(), c.speedup(), c.predictedSpeedup(), c.speedupEndToEnd(),
                    c.targetTokensPerSecond(), c.speculativeTokensPerSecond(), c.qualityTarget(), c.qualitySpeculative(),
                    c.identicalFraction() == null ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * c.identicalFraction())));
        }
        sb.append("\nQuality: ROUGE-L F against the reference for caption and chat, accuracy of the chosen letter for QA.\n");
        return sb.toString();
    }

    /**
     * Rows drafter, per task the columns τ, MBSU and speedup; {@code best}: each row at the γ with the highest
     * MBSU, which timing noise cannot move (picking the fastest measured γ would pick the luckiest timing).
     */
    private static void table(StringBuilder sb, List<CellResult> cells, List<String> tasks, Predicate<CellResult> in, boolean best) {
        sb.append("| drafter |");
        for (String t : tasks) sb.append(' ').append(t).append(" τ | ").append(t).append(" MBSU | ").append(t).append(" speedup |");
        sb.append("\n|---|");
        sb.append("---|---|---|".repeat(tasks.size())).append('\n');
        for (String d : distinct(cells, CellResult::drafter)) {
            sb.append("| ").append(d).append(" |");
            for (String t : tasks) {
                CellResult c = cells.stream().filter(in).filter(x -> x.drafter().equals(d) && x.task().equals(t))
                        .max((a, b) -> Double.compare(a.mbsu(), b.mbsu())).orElse(null);
                if (c == null) {
                    sb.append(" | | |");
                } else {
                    sb.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f (%.2f)%s |", c.tau(), c.mbsu(), c.speedup(),
                            c.predictedSpeedup(), best ? " γ" + c.gamma() : ""));
                }
            }
            sb.append('\n');
        }
    }

    static String csv(List<CellResult> cells) {
        StringBuilder sb = new StringBuilder("task,kind,drafter,adaptive,gamma,temperature,samples,max_tokens,tau,acceptance_rate,"
                + "acceptance_by_position,mean_gamma,param_ratio,mbsu,draft_step_cost,speedup,speedup_end_to_end,predicted_speedup,verify_cost,"
                + "target_decode_tokens_per_second,speculative_decode_tokens_per_second,target_ms,speculative_ms,quality_metric,"
                + "quality_target,quality_speculative,identical_fraction\n");
        for (CellResult c : cells) {
            sb.append(String.join(",", c.task(), c.kind(), quoted(c.drafter()), String.valueOf(c.adaptive()),
                    String.valueOf(c.gamma()), String.valueOf(c.temperature()), String.valueOf(c.samples()),
                    String.valueOf(c.maxTokens()), num(c.tau()), num(c.acceptanceRate()), positions(c, ";"),
                    num(c.meanGamma()), num(c.paramRatio()), num(c.mbsu()), num(c.draftStepCost()), num(c.speedup()),
                    num(c.speedupEndToEnd()), num(c.predictedSpeedup()), joined(c.verifyCost()), num(c.targetTokensPerSecond()),
                    num(c.speculativeTokensPerSecond()), num(c.targetMillis()), num(c.speculativeMillis()), c.qualityMetric(),
                    num(c.qualityTarget()), num(c.qualitySpeculative()),
                    c.identicalFraction() == null ? "" : num(c.identicalFraction()))).append('\n');
        }
        return sb.toString();
    }

    private static String positions(CellResult c, String sep) {
        List<String> p = new ArrayList<>();
        for (double a : c.acceptanceByPosition()) p.add(String.format(Locale.ROOT, "%.2f", a));
        return String.join(sep, p);
    }

    private static String joined(double[] v) {
        List<String> p = new ArrayList<>();
        for (double x : v) p.add(String.format(Locale.ROOT, "%.3f", x));
        return String.join(";", p);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String quoted(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static <T> List<T> distinct(List<CellResult> cells, java.util.function.Function<CellResult, T> f) {
        Set<T> s = new LinkedHashSet<>();
        for (CellResult c : cells) s.add(f.apply(c));
        return new ArrayList<>(s);
    }
}
