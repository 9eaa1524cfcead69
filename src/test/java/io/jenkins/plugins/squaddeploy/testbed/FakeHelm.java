package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A FAKE {@code helm} for tests: there is no helm and no cluster on the build machines. It records its argv in
 * {@code $FAKE_HELM_STATE/calls.log} (arguments joined by {@code |}), the mode and SHA-256 of KUBECONFIG and of each {@code -f}
 * file from the private secrets directory in {@code files.log} (never their content), and answers {@code version},
 * {@code history}, {@code status}, {@code get values} ({@code values-<revision>.json}), {@code upgrade} and {@code rollback} with output in the shapes real helm prints, from files
 * the test writes per phase ({@code history-N.json}, {@code status-N.json}; phase N = upgrade/rollback calls so far;
 * {@code upgrade-fails} makes the next upgrade fail with its content on stderr).
 */
public final class FakeHelm {
    public static final String SCRIPT = """
            #!/bin/sh
            # FAKE helm for Squad Deploy's tests: no helm, no cluster here. Records its argv and answers from
            # files the test wrote: phase n = number of upgrade/rollback calls so far.
            state="${FAKE_HELM_STATE:?}"
            n=$(cat "$state/phase" 2>/dev/null || echo 0)
            line=""; for a in "$@"; do line="$line$a|"; done
            echo "$line" >> "$state/calls.log"
            if [ -n "$KUBECONFIG" ]; then echo "KUBECONFIG mode=$(stat -c %a "$KUBECONFIG") sha=$(sha256sum < "$KUBECONFIG" | cut -c1-64)" >> "$state/files.log"; fi
            prev=""; for a in "$@"; do
              if [ "$prev" = "-f" ] && [ -f "$a" ]; then
                case "$a" in *squad-secrets-*) echo "values mode=$(stat -c %a "$a") sha=$(sha256sum < "$a" | cut -c1-64)" >> "$state/files.log";; esac
              fi
              prev="$a"
            done
            case "$1" in
              version) cat "$state/version.txt";;
              history) if [ -f "$state/history-$n.json" ]; then cat "$state/history-$n.json"; else echo "Error: release: not found" >&2; exit 1; fi;;
              status) if [ -f "$state/status-$n.json" ]; then cat "$state/status-$n.json"; else echo "Error: release: not found" >&2; exit 1; fi;;
              upgrade) echo $((n + 1)) > "$state/phase"
                if [ -f "$state/upgrade-fails" ]; then cat "$state/upgrade-fails" >&2; exit 1; fi
                printf 'Release "%s" has been upgraded. Happy Helming!\\nNAME: %s\\nLAST DEPLOYED: Fri Jan 17 14:00:00 2025\\nNAMESPACE: production\\nSTATUS: deployed\\nREVISION: 3\\nTEST SUITE: None\\n' "$3" "$3";;
              rollback) echo $((n + 1)) > "$state/phase"; echo "Rollback was a success! Happy Helming!";;
              get) if [ "$2" = values ] && [ -f "$state/values-$5.json" ]; then cat "$state/values-$5.json"; else echo "Error: release: not found" >&2; exit 1; fi;;
              *) echo "fake helm: unsupported: $*" >&2; exit 2;;
            esac
            """;

    private FakeHelm() {
    }

    /** Writes the fake as {@code dir/helm} (0700) and returns its path. */
    public static Path install(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path helm = dir.resolve("helm");
        Files.writeString(helm, SCRIPT);
        Files.setPosixFilePermissions(helm, PosixFilePermissions.fromString("rwx------"));
        return helm;
    }
}
