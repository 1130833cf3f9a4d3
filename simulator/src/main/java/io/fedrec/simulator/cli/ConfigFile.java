package io.fedrec.simulator.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} for a subcommand: a Java properties file whose keys are the command's long
 * option names without the leading dashes ({@code rounds=200}, {@code privacy=central}). Values
 * from the file become the options' defaults, so flags on the command line override them, and
 * every option the command has (including ones added later) can be set this way. Unknown keys
 * are refused with the file, line and key. {@link #resolved} writes back every option's effective
 * value and where it came from, so a run can be reproduced from its output folder alone.
 */
final class ConfigFile {
  /** The option that names the file. */
  static final String OPTION = "--config";

  private ConfigFile() {}

  /**
   * If {@code args} (of the subcommand {@code sub}) contain {@code --config FILE}, loads it and
   * installs it as the subcommand's default-value provider.
   *
   * @throws CliException usage errors for a missing file, an unreadable one, or unknown keys
   */
  static void install(CommandLine sub, List<String> args) {
    int i = args.indexOf(OPTION);
    String file = null;
    if (i >= 0 && i + 1 < args.size()) {
      file = args.get(i + 1);
    } else {
      for (String a : args) {
        if (a.startsWith(OPTION + "=")) {
          file = a.substring(OPTION.length() + 1);
        }
      }
    }
    if (file == null) {
      return;
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw CliException.usage(OPTION + " " + file + " does not exist or is not a file");
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.usage(OPTION + " " + file + ": cannot read: " + e.getMessage(), e);
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw CliException.usage(OPTION + " " + file + ": malformed: " + e.getMessage(), e);
    }
    CommandSpec spec = sub.getCommandSpec();
    Map<String, OptionSpec> byKey = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName();
      if (name.startsWith("--") && !o.usageHelp() && !o.versionHelp()
          && !name.equals(OPTION)) {
        byKey.put(name.substring(2), o);
      }
    }
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      if (!byKey.containsKey(key)) {
        throw CliException.usage(OPTION + " " + file + ": line " + lineOf(text, key)
            + ": unknown key '" + key + "'; keys are the long option names of "
            + spec.qualifiedName() + " without the dashes, e.g. rounds");
      }
    }
    sub.setDefaultValueProvider(arg -> {
      if (arg instanceof OptionSpec o && o.longestName().startsWith("--")) {
        String v = p.getProperty(o.longestName().substring(2));
        if (v != null) {
          return v.trim();
        }
      }
      return arg.defaultValue();
    });
  }

  private static int lineOf(String text, String key) {
    String[] lines = text.split("\\R", -1);
    for (int n = 0; n < lines.length; n++) {
      String l = lines[n].strip();
      if (l.startsWith(key) && l.length() > key.length()
          && "=: \t".indexOf(l.charAt(key.length())) >= 0) {
        return n + 1;
      }
    }
    return 0;
  }

  /**
   * Every option of {@code spec} with its effective value and its source ({@code command line},
   * {@code config} or {@code default}), as properties text in key order.
   */
  static String resolved(CommandSpec spec, Set<String> fromConfig) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    Map<String, String> lines = new TreeMap<>();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName();
      if (!name.startsWith("--") || o.usageHelp() || o.versionHelp() || name.equals(OPTION)) {
        continue;
      }
      String key = name.substring(2);
      String source = parsed != null && parsed.hasMatchedOption(o) ? "command line"
          : fromConfig.contains(key) ? "config" : "default";
      Object value = ((ArgSpec) o).getValue();
      String v = value == null ? "" : String.valueOf(value);
      lines.put(key, "# " + source + "\n" + (value == null ? "# " : "") + key + "="
          + v.replace("\\", "\\\\") + "\n");
    }
    StringBuilder out = new StringBuilder("# every option of " + spec.qualifiedName()
        + " as this run resolved it; pass this file back with --config to repeat the run\n");
    for (String l : lines.values()) {
      out.append(l);
    }
    return out.toString();
  }
}
