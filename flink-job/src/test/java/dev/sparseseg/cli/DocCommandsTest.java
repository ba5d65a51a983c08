package dev.sparseseg.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ./sparseseg} command in the README, docs/ and the module READMEs parses as
 * written: its command, options and option values exist (the commands that need a cluster,
 * a camera or minutes are not run here; their options are what drift). {@code cluster} and
 * {@code submit} commands must name what {@code cluster.sh} accepts, and submit's options
 * must be {@code run}'s.
 */
class DocCommandsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("`(\\./sparseseg [^`]+)`");

    @Test
    void everyDocumentedCommandParses() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        String clusterScript = Files.readString(ROOT.resolve("flink-job/cluster.sh"));
        for (Path doc : docs()) {
            for (String line : commands(Files.readString(doc))) {
                checked++;
                try {
                    check(tokens(line.substring(line.indexOf("./sparseseg ") + "./sparseseg ".length())), clusterScript);
                } catch (RuntimeException e) {
                    failures.add(ROOT.relativize(doc) + ": " + line + "\n    " + e.getMessage());
                }
            }
        }
        System.out.println("DocCommandsTest: " + checked + " documented commands parsed");
        assertTrue(checked > 30, "only " + checked + " commands found in the docs");
        if (!failures.isEmpty()) {
            fail(failures.size() + " documented commands do not parse:\n" + String.join("\n", failures));
        }
    }

    private static void check(List<String> args, String clusterScript) {
        if (args.get(0).equals("cluster")) {
            String sub = args.get(1);
            if (!clusterScript.contains("\n  " + sub + ")")) {
                throw new IllegalArgumentException("cluster.sh has no command '" + sub + "'");
            }
            return;
        }
        List<String> run = new ArrayList<>(args);
        if (args.get(0).equals("submit")) {
            run.set(0, "run");
            int from = run.indexOf("--from-savepoint");
            if (from >= 0) {
                run.remove(from + 1);
                run.remove(from);
            }
        }
        new CommandLine(new SparseSegCli()).parseArgs(run.toArray(String[]::new));
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (String module : List.of("models", "connectors", "flink-job", "viewer", "docker")) {
            docs.add(ROOT.resolve(module).resolve("README.md"));
        }
        return docs;
    }

    /** Command lines in sh blocks (continuations joined, comments and placeholders' ellipses dropped) and inline code. */
    static List<String> commands(String markdown) {
        List<String> found = new ArrayList<>();
        Matcher block = SH_BLOCK.matcher(markdown);
        while (block.find()) {
            String joined = block.group(1).replaceAll("\\\\\\n\\s*", " ");
            for (String line : joined.split("\\n")) {
                String cmd = stripComment(line).trim();
                if (cmd.contains("./sparseseg ")) {
                    found.add(cmd);
                }
            }
        }
        Matcher inline = INLINE.matcher(markdown);
        while (inline.find()) {
            String cmd = inline.group(1).replaceAll("\\s+", " ").trim();
            // Usage summaries ([--opt N], A|B, ...) are grammar, and a bare command name is a mention.
            if (!cmd.matches("(?s).*(\\[|\\||\\.\\.\\.|<|ARGS).*") && cmd.split(" ").length > 2) {
                found.add(cmd);
            }
        }
        return found;
    }

    private static String stripComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Shell words: quotes removed, nothing expanded. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean single = false;
        boolean dbl = false;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (c == '\'' && !dbl) {
                single = !single;
                any = true;
            } else if (c == '"' && !single) {
                dbl = !dbl;
                any = true;
            } else if (Character.isWhitespace(c) && !single && !dbl) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
