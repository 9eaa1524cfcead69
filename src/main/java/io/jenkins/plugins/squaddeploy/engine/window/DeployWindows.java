package io.jenkins.plugins.squaddeploy.engine.window;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploy windows as the runbooks write them: {@code "Sat 02:00-04:00 UTC"}, {@code "Thu 14:00-16:00 America/New_York"},
 * {@code "Mon-Fri 09:00-17:00 Europe/Berlin"}, {@code "Tue,Thu 22:00-02:00 UTC"} (an end at or before the start ends
 * the next day), {@code "daily 01:00-05:00 UTC"}. Times are wall-clock times of the window's zone, so a window keeps
 * its local hours across daylight-saving changes.
 */
public final class DeployWindows {
    /** The accepted form, for error messages. */
    public static final String FORM = "'<days> HH:MM-HH:MM <time zone>', e.g. 'Sat 02:00-04:00 UTC' or 'Thu 14:00-16:00 America/New_York' "
            + "(days: Mon..Sun, a range Mon-Fri, a list Tue,Thu, or daily; the zone an ID such as UTC, Europe/Berlin or +02:00)";
    private static final Pattern SPEC = Pattern.compile("^\\s*(\\S+)\\s+(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})\\s+(\\S+)\\s*$");
    private static final DateTimeFormatter SHOW = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    private final List<Window> windows;

    /** One window: the days it opens on, its local start and length, its zone. */
    public record Window(String spec, Set<DayOfWeek> days, LocalTime start, Duration length, ZoneId zone) implements Serializable {
    }

    /** What the calendar says at one moment. {@code window} is the open window (inside) or the next one (outside). */
    public record Decision(boolean inside, Instant at, String window, ZonedDateTime opensAt, ZonedDateTime closesAt, String message)
            implements Serializable {
    }

    private DeployWindows(List<Window> windows) {
        this.windows = windows;
    }

    /**
     * Parses the windows.
     *
     * @param parameter the parameter's name, for errors ({@code windows}; items are named {@code windows[i]})
     * @throws ParameterException naming the item and the accepted form
     */
    public static DeployWindows parse(String parameter, List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new ParameterException(parameter, "no window given", "at least one window " + FORM);
        }
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            out.add(parseOne(parameter + "[" + i + "]", specs.get(i)));
        }
        return new DeployWindows(List.copyOf(out));
    }

    static Window parseOne(String p, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new ParameterException(p, "empty", FORM);
        }
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new ParameterException(p, "got " + ParameterException.show(spec), FORM);
        }
        Set<DayOfWeek> days = days(p, spec, m.group(1));
        LocalTime start = time(p, spec, m.group(2), m.group(3), false);
        LocalTime end = time(p, spec, m.group(4), m.group(5), true);
        ZoneId zone;
        try {
            zone = ZoneId.of(m.group(6));
        } catch (DateTimeException e) {
            throw new ParameterException(p, "unknown time zone " + ParameterException.show(m.group(6)) + " in " + ParameterException.show(spec),
                    FORM);
        }
        long minutes = end == null ? 24 * 60 - minutesOf(start) : minutesOf(end) - minutesOf(start);
        if (minutes <= 0) {
            minutes += 24 * 60; // ends the next day
        }
        return new Window(spec.strip(), days, start, Duration.ofMinutes(minutes), zone);
    }

    private static long minutesOf(LocalTime t) {
        return t.getHour() * 60L + t.getMinute();
    }

    /** null for 24:00 as an end. */
    private static LocalTime time(String p, String spec, String h, String mm, boolean end) {
        int hour = Integer.parseInt(h);
        int minute = Integer.parseInt(mm);
        if (end && hour == 24 && minute == 0) {
            return null;
        }
        if (hour > 23 || minute > 59) {
            throw new ParameterException(p, "no such time " + h + ":" + mm + " in " + ParameterException.show(spec), FORM);
        }
        return LocalTime.of(hour, minute);
    }

    private static Set<DayOfWeek> days(String p, String spec, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("daily") || t.equals("*")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : t.split(",")) {
            String[] range = part.split("-");
            if (range.length == 1) {
                out.add(day(p, spec, range[0]));
            } else if (range.length == 2) {
                DayOfWeek from = day(p, spec, range[0]);
                DayOfWeek to = day(p, spec, range[1]);
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    out.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                throw new ParameterException(p, "days " + ParameterException.show(text) + " in " + ParameterException.show(spec), FORM);
            }
        }
        return out;
    }

    private static DayOfWeek day(String p, String spec, String name) {
        for (DayOfWeek d : DayOfWeek.values()) {
            String full = d.getDisplayName(TextStyle.FULL, Locale.ROOT).toLowerCase(Locale.ROOT);
            if (name.length() >= 3 && full.startsWith(name)) {
                return d;
            }
        }
        throw new ParameterException(p, "unknown day " + ParameterException.show(name) + " in " + ParameterException.show(spec), FORM);
    }

    public List<Window> windows() {
        return windows;
    }

    /** Whether {@code now} is inside a window; if not, when the next one opens. */
    public Decision at(Instant now) {
        ZonedDateTime nextOpen = null;
        Window next = null;
        for (Window w : windows) {
            LocalDate today = now.atZone(w.zone()).toLocalDate();
            for (int offset = -2; offset <= 8; offset++) {
                LocalDate date = today.plusDays(offset);
                if (!w.days().contains(date.getDayOfWeek())) {
                    continue;
                }
                ZonedDateTime open = ZonedDateTime.of(date, w.start(), w.zone());
                ZonedDateTime close = ZonedDateTime.of(date.atTime(w.start()).plus(w.length()), w.zone());
                if (!now.isBefore(open.toInstant()) && now.isBefore(close.toInstant())) {
                    String msg = "inside the deploy window '" + w.spec() + "' at " + show(now.atZone(w.zone())) + "; it closes "
                            + show(close) + " (in " + human(Duration.between(now, close.toInstant())) + ")";
                    return new Decision(true, now, w.spec(), open, close, msg);
                }
                if (open.toInstant().isAfter(now) && (nextOpen == null || open.toInstant().isBefore(nextOpen.toInstant()))) {
                    nextOpen = open;
                    next = w;
                }
            }
        }
        List<String> specs = windows.stream().map(w -> "'" + w.spec() + "'").toList();
        String msg = "outside the deploy window" + (specs.size() > 1 ? "s " : " ") + String.join(", ", specs) + " at "
                + show(now.atZone(ZoneId.of("UTC"))) + "; the next window opens " + show(nextOpen) + " (in "
                + human(Duration.between(now, nextOpen.toInstant())) + ")";
        ZonedDateTime nextClose = ZonedDateTime.of(nextOpen.toLocalDateTime().plus(next.length()), next.zone());
        return new Decision(false, now, next.spec(), nextOpen, nextClose, msg);
    }

    /** {@code Sat 2026-11-28 02:00 UTC}, with the UTC time added for other zones. */
    public static String show(ZonedDateTime t) {
        String local = SHOW.format(t) + " " + t.getZone().getId();
        if (t.getOffset().equals(ZoneOffset.UTC) && (t.getZone().getId().equals("UTC") || t.getZone().getId().equals("Z"))) {
            return local;
        }
        return local + " (" + SHOW.format(t.withZoneSameInstant(ZoneOffset.UTC)) + " UTC)";
    }

    static String human(Duration d) {
        long minutes = Math.max(0, (d.getSeconds() + 59) / 60);
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long mins = minutes % 60;
        StringBuilder s = new StringBuilder();
        if (days > 0) {
            s.append(days).append(" d ");
        }
        if (hours > 0) {
            s.append(hours).append(" h ");
        }
        if (mins > 0 || s.length() == 0) {
            s.append(mins).append(" min ");
        }
        return s.toString().strip();
    }
}
