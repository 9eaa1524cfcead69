package io.jenkins.plugins.squaddeploy.engine.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routers' file work: atomic replacement, the .previous copy, exact restore. */
class RouterFilesTest {
    @TempDir
    Path dir;

    private String[] names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void installKeepsThePreviousFileAndThePermissionsAndLeavesNoTempFile() throws Exception {
        Path live = dir.resolve("api.conf");
        Files.writeString(live, "blue\n");
        Files.setPosixFilePermissions(live, PosixFilePermissions.fromString("rw-r-----"));

        FileBackup b = RouterFiles.install(live.toString(), "green\n");

        assertThat(Files.readString(live)).isEqualTo("green\n");
        assertThat(Files.readString(dir.resolve("api.conf.previous"))).isEqualTo("blue\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(live))).isEqualTo("rw-r-----");
        assertThat(b.live()).isEqualTo("blue\n");
        assertThat(b.previous()).isNull();
        assertThat(names()).containsExactly("api.conf", "api.conf.previous");
    }

    @Test
    void restorePutsBothFilesBackExactlyIncludingTheirAbsence() throws Exception {
        Path live = dir.resolve("api.conf");
        FileBackup first = RouterFiles.install(live.toString(), "blue\n");
        assertThat(first.live()).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(live))).isEqualTo("rw-r--r--");
        FileBackup second = RouterFiles.install(live.toString(), "green\n");
        FileBackup third = RouterFiles.install(live.toString(), "purple\n");

        RouterFiles.restore(live.toString(), third);
        assertThat(Files.readString(live)).isEqualTo("green\n");
        assertThat(Files.readString(dir.resolve("api.conf.previous"))).isEqualTo("blue\n");

        RouterFiles.restore(live.toString(), second);
        assertThat(Files.readString(live)).isEqualTo("blue\n");
        assertThat(dir.resolve("api.conf.previous")).doesNotExist();

        RouterFiles.restore(live.toString(), first);
        assertThat(names()).isEmpty();
    }

    @Test
    void readOfAMissingFileIsNullAndAMissingDirectoryIsAnError() throws Exception {
        assertThat(RouterFiles.read(dir.resolve("none.conf").toString())).isNull();
        assertThatThrownBy(() -> RouterFiles.install(dir.resolve("no/such/dir/api.conf").toString(), "x"))
                .isInstanceOf(io.jenkins.plugins.squaddeploy.engine.ParameterException.class)
                .hasMessageContaining("Invalid parameter 'router.config'").hasMessageContaining("does not exist on the router's machine");
    }
}
