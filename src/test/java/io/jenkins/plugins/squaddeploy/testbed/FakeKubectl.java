package io.jenkins.plugins.squaddeploy.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A FAKE {@code kubectl} for tests: there is no Kubernetes API server here, and {@code kubectl exec} cannot be served by
 * fabric8's mock server. It records its argv in {@code $FAKE_KUBECTL_STATE/calls.log} (arguments joined by {@code |}),
 * the path, mode and SHA-256 of the {@code --kubeconfig} file in {@code files.log} (never its content) and how many
 * {@code PGPASSWORD}/{@code REDISCLI_AUTH} variables its own environment holds in {@code env.log}; then it runs the
 * command after {@code --} on THIS machine, the stand-in for the pod, with its stdin when {@code -i} was given and
 * {@code /dev/null} otherwise (as kubectl exec without {@code -i} sends no input). So the tools after {@code --}
 * (pg_dump, psql, pg_restore, redis-cli) are the real ones against the real test servers.
 */
public final class FakeKubectl {
    public static final String SCRIPT = """
            #!/bin/sh
            # FAKE kubectl for Squad Deploy's tests: no cluster here. Records its argv, then runs the command after
            # "--" locally (this machine plays the pod).
            state="${FAKE_KUBECTL_STATE:?}"
            line=""; for a in "$@"; do line="$line$a|"; done
            echo "$line" >> "$state/calls.log"
            echo "secret-variables=$(env | grep -c -E '^(PGPASSWORD|REDISCLI_AUTH)=')" >> "$state/env.log"
            kc=""; prev=""; stdin=no
            while [ $# -gt 0 ]; do
              a="$1"; shift
              [ "$a" = "--" ] && break
              [ "$a" = "-i" ] && stdin=yes
              [ "$prev" = "--kubeconfig" ] && kc="$a"
              prev="$a"
            done
            if [ -n "$kc" ]; then echo "path=$kc mode=$(stat -c %a "$kc") sha=$(sha256sum < "$kc" | cut -c1-64)" >> "$state/files.log"; fi
            if [ "$stdin" = no ]; then exec "$@" < /dev/null; fi
            exec "$@"
            """;

    private FakeKubectl() {
    }

    /** Writes the fake as {@code dir/kubectl} (0700) and returns its path. */
    public static Path install(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path kubectl = dir.resolve("kubectl");
        Files.writeString(kubectl, SCRIPT);
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
        return kubectl;
    }
}
