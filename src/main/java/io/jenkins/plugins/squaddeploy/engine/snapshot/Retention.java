package io.jenkins.plugins.squaddeploy.engine.snapshot;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which snapshots of one series a prune keeps. Each rule is applied on its own to all complete snapshots of the
 * series, newest first, and a snapshot is kept when any rule keeps it:
 * <ul>
 * <li>{@code keepLast} N: the N newest;</li>
 * <li>{@code keepDaily} D: for each of the D most recent UTC days that have a snapshot, the newest of that day;</li>
 * <li>{@code keepWeekly} W: for each of the W most recent ISO weeks (Monday to Sunday, UTC) that have a snapshot,
 * the newest of that week;</li>
 * <li>always: the newest snapshot whose last verification passed.</li>
 * </ul>
 * Everything else is deleted. Interrupted snapshots never get here: they are not in the store's list.
 */
public final class Retention {
    private Retention() {
    }

    public record Policy(int keepLast, int keepDaily, int keepWeekly) implements Serializable {
        public static final Policy DEFAULT = new Policy(7, 7, 4);

        public static Policy of(Integer keepLast, Integer keepDaily, Integer keepWeekly) {
            int n = keepLast == null ? DEFAULT.keepLast : keepLast;
            int d = keepDaily == null ? DEFAULT.keepDaily : keepDaily;
            int w = keepWeekly == null ? DEFAULT.keepWeekly : keepWeekly;
            if (n < 1 || n > 10000) {
                throw new ParameterException("keepLast", "got " + n, "a number from 1 to 10000 (at least the newest snapshot is always kept)");
            }
            if (d < 0 || d > 10000) {
                throw new ParameterException("keepDaily", "got " + d, "a number of days from 0 to 10000");
            }
            if (w < 0 || w > 10000) {
                throw new ParameterException("keepWeekly", "got " + w, "a number of weeks from 0 to 10000");
            }
            return new Policy(n, d, w);
        }

        @Override
        public String toString() {
            return "keepLast " + keepLast + ", keepDaily " + keepDaily + ", keepWeekly " + keepWeekly;
        }
    }

    /** One snapshot as retention sees it. */
    public record Item(String id, Instant time, boolean verified) {
    }

    /** The decision: kept IDs with the reasons, and deleted IDs, both newest first. */
    public record Decision(Map<String, List<String>> kept, List<String> deleted) {
    }

    public static Decision select(List<Item> items, Policy policy) {
        List<Item> newestFirst = new ArrayList<>(items);
        newestFirst.sort(Comparator.comparing(Item::time).thenComparing(Item::id).reversed());
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (int i = 0; i < newestFirst.size() && i < policy.keepLast(); i++) {
            keep(kept, newestFirst.get(i), "last " + policy.keepLast());
        }
        Set<LocalDate> days = new LinkedHashSet<>();
        for (Item it : newestFirst) {
            LocalDate day = LocalDate.ofInstant(it.time(), ZoneOffset.UTC);
            if (!days.contains(day) && days.size() < policy.keepDaily()) {
                days.add(day);
                keep(kept, it, "daily " + day);
            }
        }
        Set<String> weeks = new LinkedHashSet<>();
        for (Item it : newestFirst) {
            LocalDate day = LocalDate.ofInstant(it.time(), ZoneOffset.UTC);
            String week = day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            if (!weeks.contains(week) && weeks.size() < policy.keepWeekly()) {
                weeks.add(week);
                keep(kept, it, "weekly " + week);
            }
        }
        newestFirst.stream().filter(Item::verified).findFirst().ifPresent(it -> keep(kept, it, "newest verified"));
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        List<String> deleted = new ArrayList<>();
        for (Item it : newestFirst) {
            if (kept.containsKey(it.id())) {
                ordered.put(it.id(), kept.get(it.id()));
            } else {
                deleted.add(it.id());
            }
        }
        return new Decision(ordered, deleted);
    }

    private static void keep(Map<String, List<String>> kept, Item it, String reason) {
        kept.computeIfAbsent(it.id(), k -> new ArrayList<>()).add(reason);
    }
}
