package dev.specula.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same weights and inputs give the same bits at every vector width the machine can run: this JVM's, and
 * child JVMs narrowed to 8 float lanes ({@code -XX:UseAVX=2}, x86 with AVX-512) and to 4 ({@code
 * -XX:MaxVectorSize=16}, as ARM NEON has). Every product of every format, and the fixture models' logits and
 * image embeddings, are compared ({@link WidthProbe}); the child JVMs also start with cold JIT code.
 */
class WidthInvarianceTest {

    @Test
    void everyWidthGivesTheSameBits() throws Exception {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        Map<String, String> here = WidthProbe.probe();
        List<String> exercised = new ArrayList<>(List.of(lanes + " lanes (this JVM)"));
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        // a flag runs only where it narrows the vectors: 8 lanes below AVX-512, 4 below 256 bits
        if (x86 && lanes > 8) exercised.add(compare(here, "-XX:UseAVX=2"));
        if (lanes > 4) exercised.add(compare(here, "-XX:MaxVectorSize=16"));
        System.out.println("WidthInvarianceTest: bit-identical at " + String.join(", ", exercised));
    }

    /** Runs the probe in a child JVM with {@code flag}, asserts each line equal to this JVM's, and names its width. */
    private static String compare(Map<String, String> here, String flag) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-XX:UseAVX") && !arg.startsWith("-XX:MaxVectorSize") && !arg.startsWith("-agentlib")
                    && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        command.add(flag);
        for (String p : new String[] {"specula.testFixtures", "specula.fixtures"}) {
            if (System.getProperty(p) != null) command.add("-D" + p + "=" + System.getProperty(p));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WidthProbe.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("probe with %s finished", flag).isTrue();
        assertThat(child.exitValue()).as("probe with %s exited; it said:%n%s", flag, output).isZero();
        Map<String, String> there = new LinkedHashMap<>();
        String width = "?";
        for (String line : output.split("\n")) {
            String[] f = line.trim().split(" ", 2);
            if (f.length != 2) continue;
            if (f[0].equals("lanes")) width = f[1];
            else there.put(f[0], f[1]);
        }
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : here.entrySet()) {
            if (!e.getValue().equals(there.get(e.getKey()))) differ.add(e.getKey());
        }
        assertThat(differ).as("results at %s lanes (%s) that differ from this JVM's", width, flag).isEmpty();
        return width + " lanes (" + flag + ")";
    }
}
