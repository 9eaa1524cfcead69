package io.jenkins.plugins.squaddeploy.engine.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deploy-window calendar: the seeds' windows, zones with daylight saving, windows over midnight, and its errors. */
class DeployWindowsTest {

    @Test
    void insideASaturdayUtcWindowSaysWhenItCloses() {
        DeployWindows.Decision d = DeployWindows.parse("windows", List.of("Sat 02:00-04:00 UTC")).at(Instant.parse("2026-11-28T02:30:00Z"));
        assertThat(d.inside()).isTrue();
        assertThat(d.message()).isEqualTo("inside the deploy window 'Sat 02:00-04:00 UTC' at Sat 2026-11-28 02:30 UTC; it closes "
                + "Sat 2026-11-28 04:00 UTC (in 1 h 30 min)");
    }

    @Test
    void outsideNamesTheNextWindowInItsZoneAndInUtc() {
        DeployWindows w = DeployWindows.parse("windows", List.of("Sat 02:00-04:00 UTC", "Thu 14:00-16:00 America/New_York"));
        DeployWindows.Decision d = w.at(Instant.parse("2026-11-22T05:10:00Z")); // a Sunday
        assertThat(d.inside()).isFalse();
        assertThat(d.window()).isEqualTo("Thu 14:00-16:00 America/New_York");
        assertThat(d.message()).isEqualTo("outside the deploy windows 'Sat 02:00-04:00 UTC', 'Thu 14:00-16:00 America/New_York' at "
                + "Sun 2026-11-22 05:10 UTC; the next window opens Thu 2026-11-26 14:00 America/New_York (Thu 2026-11-26 19:00 UTC) "
                + "(in 4 d 13 h 50 min)");
        // the end is exclusive: 04:00 is outside, and the next Saturday is next
        DeployWindows.Decision end = w.at(Instant.parse("2026-11-28T04:00:00Z"));
        assertThat(end.inside()).isFalse();
        assertThat(end.opensAt().toInstant()).isEqualTo(Instant.parse("2026-12-03T19:00:00Z"));
    }

    @Test
    void localHoursHoldAcrossDaylightSaving() {
        DeployWindows w = DeployWindows.parse("windows", List.of("Thu 14:00-16:00 America/New_York"));
        // summer (EDT, UTC-4): 14:00 local is 18:00 UTC
        assertThat(w.at(Instant.parse("2026-07-02T18:30:00Z")).inside()).isTrue();
        assertThat(w.at(Instant.parse("2026-07-02T19:30:00Z")).inside()).isTrue();
        assertThat(w.at(Instant.parse("2026-07-02T20:30:00Z")).inside()).isFalse();
        // winter (EST, UTC-5): 14:00 local is 19:00 UTC
        assertThat(w.at(Instant.parse("2026-12-03T18:30:00Z")).inside()).isFalse();
        assertThat(w.at(Instant.parse("2026-12-03T19:30:00Z")).inside()).isTrue();
    }

    @Test
    void rangesListsDailyAndWindowsOverMidnight() {
        DeployWindows weekdays = DeployWindows.parse("windows", List.of("Mon-Fri 09:00-17:00 Europe/Berlin"));
        assertThat(weekdays.at(Instant.parse("2026-11-25T10:00:00Z")).inside()).isTrue();  // Wed 11:00 CET
        assertThat(weekdays.at(Instant.parse("2026-11-28T10:00:00Z")).inside()).isFalse(); // Sat
        DeployWindows night = DeployWindows.parse("windows", List.of("Tue,Fri 22:00-02:00 UTC"));
        assertThat(night.at(Instant.parse("2026-11-28T01:00:00Z")).inside()).isTrue();  // Saturday 01:00: Friday's window
        assertThat(night.at(Instant.parse("2026-11-28T01:00:00Z")).closesAt().toInstant()).isEqualTo(Instant.parse("2026-11-28T02:00:00Z"));
        assertThat(night.at(Instant.parse("2026-11-25T01:00:00Z")).inside()).isTrue();  // Wednesday 01:00: Tuesday's window
        assertThat(night.at(Instant.parse("2026-11-26T01:00:00Z")).inside()).isFalse(); // Thursday 01:00
        DeployWindows daily = DeployWindows.parse("windows", List.of("daily 00:00-24:00 UTC"));
        assertThat(daily.at(Instant.parse("2026-11-22T23:59:00Z")).inside()).isTrue();
    }

    @Test
    void errorsNameTheItemAndTheAcceptedForm() {
        assertThatThrownBy(() -> DeployWindows.parse("windows", List.of("Sat 02:00-04:00 UTC", "Sat 2-4")))
                .isInstanceOf(ParameterException.class)
                .hasMessage("Invalid parameter 'windows[1]': got 'Sat 2-4'. Expected " + DeployWindows.FORM + ".");
        assertThatThrownBy(() -> DeployWindows.parse("windows", List.of("Sat 02:00-04:00 Mars/Olympus")))
                .hasMessageStartingWith("Invalid parameter 'windows[0]': unknown time zone 'Mars/Olympus' in 'Sat 02:00-04:00 Mars/Olympus'. Expected '<days> HH:MM-HH:MM <time zone>'");
        assertThatThrownBy(() -> DeployWindows.parse("windows", List.of("Caturday 02:00-04:00 UTC")))
                .hasMessageStartingWith("Invalid parameter 'windows[0]': unknown day 'caturday'");
        assertThatThrownBy(() -> DeployWindows.parse("windows", List.of("Sat 25:00-04:00 UTC")))
                .hasMessageStartingWith("Invalid parameter 'windows[0]': no such time 25:00");
        assertThatThrownBy(() -> DeployWindows.parse("windows", List.of()))
                .hasMessageStartingWith("Invalid parameter 'windows': no window given. Expected at least one window '<days>");
    }
}
