package dev.learnstream.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * Grafana cannot run here, so this stands in for it: every dashboard's variables and PostgreSQL
 * panel queries are expanded the way Grafana's PostgreSQL datasource expands them ($__timeFilter,
 * $__timeFrom/$__timeTo, $__timeGroupAlias, single and multi-value variables) and executed; the
 * result must have the columns the panel type needs, and rows. Prometheus queries must name
 * metrics LearnStream exposes. Failures are collected and reported together.
 */
final class GrafanaPanels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^)]+)\\)");
    private static final Pattern TIME_GROUP_ALIAS = Pattern.compile("\\$__timeGroupAlias\\(([^,]+),\\s*'?(\\d+)([smhd])'?\\)");
    private static final Pattern PROM_METRIC = Pattern.compile("\\b(learnstream_[a-z0-9_]+|kafka_[a-z0-9_]+|jvm_[a-z0-9_]+)\\b");

    private GrafanaPanels() {
    }

    /**
     * @param grafana    the repository's grafana folder
     * @param promNames  metric names (Prometheus form) that LearnStream's processes expose
     * @return one line per panel checked
     */
    static List<String> check(Handle handle, Path grafana, Set<String> promNames, Instant from, Instant to)
            throws IOException, SQLException {
        final Set<String> datasourceUids = datasourceUids(grafana.resolve("provisioning/datasources"));
        final List<String> report = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<Path> dashboards;
        try (Stream<Path> files = Files.list(grafana.resolve("dashboards"))) {
            dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        if (dashboards.size() < 5) {
            failures.add("expected the five dashboards, found " + dashboards);
        }
        final Connection connection = handle.getConnection();
        for (final Path file : dashboards) {
            final JsonNode dashboard = JSON.readTree(file.toFile());
            final String name = file.getFileName().toString();
            final Map<String, String> variables = variables(connection, dashboard, from, to, failures, name);
            for (final JsonNode panel : dashboard.path("panels")) {
                final String where = name + " / " + panel.path("title").asText();
                final String type = panel.path("type").asText();
                for (final JsonNode target : panel.path("targets")) {
                    final String uid = target.path("datasource").path("uid").asText(panel.path("datasource").path("uid").asText());
                    if (!datasourceUids.contains(uid)) {
                        failures.add(where + ": datasource uid '" + uid + "' is not provisioned (" + datasourceUids + ")");
                        continue;
                    }
                    if (target.has("rawSql")) {
                        final String sql = expand(target.path("rawSql").asText(), variables, from, to);
                        checkSql(connection, where, type, target.path("format").asText("table"), sql, report, failures);
                    } else if (target.has("expr")) {
                        final Matcher metric = PROM_METRIC.matcher(target.path("expr").asText());
                        boolean any = false;
                        while (metric.find()) {
                            any = true;
                            if (!promNames.contains(metric.group(1))) {
                                failures.add(where + ": PromQL names " + metric.group(1) + ", which no LearnStream process exposes");
                            }
                        }
                        if (!any) {
                            failures.add(where + ": PromQL names no LearnStream metric: " + target.path("expr").asText());
                        }
                        report.add(where + ": PromQL " + target.path("expr").asText());
                    } else {
                        failures.add(where + ": target has neither rawSql nor expr");
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " Grafana panel problem(s):\n  " + String.join("\n  ", failures));
        }
        return report;
    }

    private static Set<String> datasourceUids(Path dir) throws IOException {
        final Set<String> uids = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (final JsonNode datasource : YAML.readTree(file.toFile()).path("datasources")) {
                    uids.add(datasource.path("uid").asText());
                }
            }
        }
        return uids;
    }

    /** Variable values as Grafana substitutes them; query variables select everything they list ("All"). */
    private static Map<String, String> variables(Connection connection, JsonNode dashboard, Instant from, Instant to,
                                                 List<String> failures, String name) throws SQLException {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final JsonNode variable : dashboard.path("templating").path("list")) {
            final String var = variable.path("name").asText();
            if (variable.path("type").asText().equals("custom")) {
                values.put(var, variable.path("current").path("value").asText());
                continue;
            }
            final String sql = expand(variable.path("query").asText(), values, from, to);
            final List<String> options = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    options.add(rs.getString(1));
                }
            } catch (SQLException e) {
                failures.add(name + " / variable " + var + ": " + e.getMessage() + "\n    " + sql);
                values.put(var, "''");
                continue;
            }
            if (options.isEmpty()) {
                failures.add(name + " / variable " + var + " lists no values after the run");
            }
            final boolean multi = variable.path("multi").asBoolean() || variable.path("includeAll").asBoolean();
            values.put(var, multi ? options.stream().map(o -> "'" + o.replace("'", "''") + "'").collect(Collectors.joining(","))
                    : options.isEmpty() ? "" : options.get(0));
        }
        return values;
    }

    static String expand(String sql, Map<String, String> variables, Instant from, Instant to) {
        final String fromText = "'" + from.truncatedTo(ChronoUnit.SECONDS) + "'";
        final String toText = "'" + to.truncatedTo(ChronoUnit.SECONDS) + "'";
        String expanded = TIME_FILTER.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(
                m.group(1).trim() + " BETWEEN " + fromText + " AND " + toText));
        expanded = TIME_GROUP_ALIAS.matcher(expanded).replaceAll(m -> {
            final long seconds = Long.parseLong(m.group(2)) * switch (m.group(3)) {
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                default -> 86400;
            };
            return Matcher.quoteReplacement("floor(extract(epoch from " + m.group(1).trim() + ")/" + seconds + ")*"
                    + seconds + " AS \"time\"");
        });
        expanded = expanded.replace("$__timeFrom()", fromText).replace("$__timeTo()", toText);
        // Longest names first, so $module is not taken for a prefix of a longer name.
        final List<String> names = new ArrayList<>(variables.keySet());
        names.sort((a, b) -> b.length() - a.length());
        for (final String name : names) {
            expanded = expanded.replace("${" + name + "}", variables.get(name)).replace("$" + name, variables.get(name));
        }
        if (expanded.contains("$")) {
            throw new AssertionError("unexpanded macro or variable in: " + expanded);
        }
        return expanded;
    }

    private static void checkSql(Connection connection, String where, String type, String format, String sql,
                                 List<String> report, List<String> failures) throws SQLException {
        final List<String> columns = new ArrayList<>();
        final List<Integer> types = new ArrayList<>();
        int rows = 0;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            final ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
                types.add(meta.getColumnType(i));
            }
            while (rs.next()) {
                rows++;
            }
        } catch (SQLException e) {
            failures.add(where + ": " + e.getMessage() + "\n    " + sql);
            return;
        }
        final String problem = shapeProblem(type, format, columns, types);
        if (problem != null) {
            failures.add(where + ": " + problem + " (columns " + columns + ")");
        }
        if (rows == 0) {
            // Empty is right only when the run produced nothing for the panel: all its tables are empty.
            final List<String> filled = tablesWithRows(connection, sql);
            if (!filled.isEmpty()) {
                failures.add(where + ": no rows, though " + filled + " has rows after the simulated run\n    " + sql);
            } else {
                report.add(where + ": empty, as its tables are after this run");
                return;
            }
        }
        report.add(String.format("%s: %d row(s), columns %s", where, rows, columns));
    }

    private static final Pattern TABLE = Pattern.compile("\\b(?:FROM|JOIN)\\s+([a-z_]+)\\b");

    private static List<String> tablesWithRows(Connection connection, String sql) throws SQLException {
        final List<String> filled = new ArrayList<>();
        final Matcher table = TABLE.matcher(sql);
        while (table.find()) {
            final String name = table.group(1);
            if (name.equals("generate_series") || name.equals("jsonb_array_elements") || filled.contains(name)) {
                continue;
            }
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + name + ")")) {
                if (rs.next() && rs.getBoolean(1)) {
                    filled.add(name);
                }
            }
        }
        return filled;
    }

    /** What the panel type needs from a result, or null when it has it. */
    static String shapeProblem(String type, String format, List<String> columns, List<Integer> types) {
        final long numeric = types.stream().filter(GrafanaPanels::isNumeric).count();
        final long text = types.stream().filter(t -> t == Types.VARCHAR || t == Types.CHAR || t == Types.LONGVARCHAR
                || t == Types.OTHER).count();
        switch (type) {
            case "timeseries" -> {
                if (!format.equals("time_series")) {
                    return "a time series panel needs format time_series";
                }
                final int time = columns.indexOf("time");
                if (time < 0 || !(isTime(types.get(time)) || isNumeric(types.get(time)))) {
                    return "a time series needs a timestamp (or epoch) column named time";
                }
                if (numeric - (isNumeric(types.get(time)) ? 1 : 0) < 1) {
                    return "a time series needs a numeric value column";
                }
                if (columns.contains("metric") && !columns.contains("value")) {
                    return "a metric column needs a value column";
                }
                return null;
            }
            case "barchart" -> {
                return text >= 1 && numeric >= 1 ? null : "a bar chart needs a text column and a numeric column";
            }
            case "piechart", "stat", "gauge", "bargauge" -> {
                return numeric >= 1 ? null : "a " + type + " panel needs a numeric column";
            }
            case "table" -> {
                return columns.isEmpty() ? "a table needs columns" : null;
            }
            default -> {
                return "panel type " + type + " is not one this check knows";
            }
        }
    }

    private static boolean isNumeric(int type) {
        return type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT || type == Types.NUMERIC
                || type == Types.DECIMAL || type == Types.DOUBLE || type == Types.REAL || type == Types.FLOAT;
    }

    private static boolean isTime(int type) {
        return type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE;
    }
}
