package io.jenkins.plugins.squaddeploy.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Credential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RDS provider against a <b>FAKE {@code aws} program</b> put first on the PATH of the tools: there is no AWS
 * here (and the real AWS CLI on this machine must never be called by a test). The fake records its arguments and
 * environment and answers like {@code aws rds ...}: a snapshot is "creating" for two polls, then "available"
 * (or "failed", or never ready). What is tested: the argv, the waiting loop with its progress lines, failures,
 * timeouts, restore into a new instance, prune deleting in "AWS", and that the secret key is never on a command line.
 */
@Timeout(60)
public class SnapshotRdsFakeAwsTest {
    public static final String FAKE_AWS = """
            #!/bin/sh
            # FAKE aws CLI for SnapshotRdsFakeAwsTest. There is no AWS here: this script records its arguments and
            # answers like `aws rds ...` would. A snapshot is "creating" for two describe calls, then "available".
            state="${FAKE_AWS_STATE:?}"
            echo "$*" >> "$state/calls.log"
            if [ -n "$AWS_SECRET_ACCESS_KEY" ]; then echo "key=$AWS_ACCESS_KEY_ID secret=set" >> "$state/env.log"; fi
            if [ "$1" = "--version" ]; then echo "aws-cli/2.15.0 FAKE-for-tests"; exit 0; fi
            cmd="$2"; snap=""; inst=""
            while [ $# -gt 0 ]; do
              case "$1" in
                --db-snapshot-identifier) snap="$2"; shift;;
                --db-instance-identifier) inst="$2"; shift;;
              esac
              shift
            done
            case "$cmd" in
              create-db-snapshot)
                if [ -f "$state/instance-missing" ]; then
                  echo "An error occurred (DBInstanceNotFound) when calling the CreateDBSnapshot operation: DBInstance $inst not found." >&2; exit 254
                fi
                echo 0 > "$state/$snap.polls"
                printf '{"DBSnapshot":{"DBSnapshotIdentifier":"%s","DBInstanceIdentifier":"%s","Status":"creating","PercentProgress":0}}\\n' "$snap" "$inst";;
              describe-db-snapshots)
                if [ ! -f "$state/$snap.polls" ]; then
                  echo "An error occurred (DBSnapshotNotFound) when calling the DescribeDBSnapshots operation: $snap not found." >&2; exit 254
                fi
                n=$(( $(cat "$state/$snap.polls") + 1 )); echo $n > "$state/$snap.polls"
                status=creating; pct=$((n * 40))
                if [ -f "$state/fail" ]; then status=failed; elif [ ! -f "$state/stuck" ] && [ $n -ge 3 ]; then status=available; pct=100; fi
                printf '{"DBSnapshots":[{"DBSnapshotIdentifier":"%s","Status":"%s","PercentProgress":%d,"Engine":"postgres","EngineVersion":"15.4","AllocatedStorage":20,"DBSnapshotArn":"arn:aws:rds:eu-west-1:123456789012:snapshot:%s"}]}\\n' "$snap" "$status" "$pct" "$snap";;
              delete-db-snapshot)
                rm -f "$state/$snap.polls"
                printf '{"DBSnapshot":{"DBSnapshotIdentifier":"%s","Status":"deleted"}}\\n' "$snap";;
              restore-db-instance-from-db-snapshot)
                echo 0 > "$state/instance-$inst.polls"
                printf '{"DBInstance":{"DBInstanceIdentifier":"%s","DBInstanceStatus":"creating"}}\\n' "$inst";;
              describe-db-instances)
                n=$(( $(cat "$state/instance-$inst.polls") + 1 )); echo $n > "$state/instance-$inst.polls"
                st=creating; if [ $n -ge 2 ]; then st=available; fi
                printf '{"DBInstances":[{"DBInstanceIdentifier":"%s","DBInstanceStatus":"%s"}]}\\n' "$inst" "$st";;
              *) echo "fake aws: unsupported: $*" >&2; exit 2;;
            esac
            """;

    @TempDir
    Path tmp;
    Path state;
    Path store;
    String secretKey;
    SnapshotTesting t;

    @BeforeEach
    void fakeAws() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("fake-aws-bin"));
        Files.writeString(bin.resolve("aws"), FAKE_AWS);
        Files.setPosixFilePermissions(bin.resolve("aws"), PosixFilePermissions.fromString("rwxr-xr-x"));
        state = Files.createDirectories(tmp.resolve("fake-aws-state"));
        store = tmp.resolve("store");
        secretKey = TestSecrets.generate("awssecret");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("FAKE_AWS_STATE", state.toString());
        t = new SnapshotTesting(secretKey).withEnv(env);
    }

    SnapshotSource.Rds source() {
        return SnapshotSources.rds("source", "prod-db", "eu-west-1", new Credential("aws-deploy", "AKIAFAKEFORTESTS0001", secretKey), null, Duration.ofMillis(50));
    }

    List<String> calls() throws Exception {
        return Files.readAllLines(state.resolve("calls.log"));
    }

    @Test
    void createAsksForTheSnapshotAndWaitsUntilItIsAvailable() throws Exception {
        Map<String, Object> created = t.service().run(SnapshotRequest.builder(store.toString()).source(source()).release("3.1.0").reason("before migrations")
                .progressEvery(Duration.ofMillis(1)).build());
        String id = (String) created.get("id");
        Map<?, ?> extra = (Map<?, ?>) created.get("extra");
        String awsId = (String) extra.get("awsSnapshotId");
        assertThat(awsId).matches("squad-rds-prod-db-\\d{8}t\\d{9}z");
        assertThat(extra.get("arn")).isEqualTo("arn:aws:rds:eu-west-1:123456789012:snapshot:" + awsId);
        assertThat(extra.get("engineVersion")).isEqualTo("15.4");
        assertThat(calls()).containsExactly(
                "--version",
                "rds create-db-snapshot --db-instance-identifier prod-db --db-snapshot-identifier " + awsId + " --region eu-west-1 --output json",
                "rds describe-db-snapshots --db-snapshot-identifier " + awsId + " --region eu-west-1 --output json",
                "rds describe-db-snapshots --db-snapshot-identifier " + awsId + " --region eu-west-1 --output json",
                "rds describe-db-snapshots --db-snapshot-identifier " + awsId + " --region eu-west-1 --output json");
        assertThat(t.console()).contains("RDS snapshot " + awsId + ": creating, 0 %").contains("RDS snapshot " + awsId + ": creating, 80 %")
                .contains("RDS snapshot " + awsId + " is available after");
        try (var files = Files.list(store.resolve(id))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("snapshot.json");
        }
        assertThat(Files.readAllLines(state.resolve("env.log"))).allMatch(l -> l.equals("key=AKIAFAKEFORTESTS0001 secret=set"));
        t.assertNoSecretOnAnyCommandLine(secretKey);

        assertThat(t.run(SnapshotRequest.builder(store.toString()).action("verify").source(source()))).containsEntry("check", "RDS snapshot " + awsId + " is available");

        Map<String, Object> restored = t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source()).restoreTo("prod-db-restore"));
        assertThat(restored).containsEntry("target", "rds instance prod-db-restore");
        assertThat(calls()).contains("rds restore-db-instance-from-db-snapshot --db-instance-identifier prod-db-restore --db-snapshot-identifier " + awsId
                + " --region eu-west-1 --output json");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("restore").source(source()).restoreTo("prod-db")))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'restoreTo': is the source instance");
    }

    @Test
    void pruneDeletesTheSnapshotsInAwsToo() throws Exception {
        String older = (String) ((Map<?, ?>) t.run(SnapshotRequest.builder(store.toString()).source(source())).get("extra")).get("awsSnapshotId");
        t.run(SnapshotRequest.builder(store.toString()).source(source()));
        Map<String, Object> pruned = t.run(SnapshotRequest.builder(store.toString()).action("prune").source(source()).retention(1, 0, 0));
        assertThat((List<?>) pruned.get("deleted")).hasSize(1);
        assertThat(calls()).contains("rds delete-db-snapshot --db-snapshot-identifier " + older + " --region eu-west-1 --output json");
        assertThat(SnapshotTesting.ids(store)).hasSize(1);
        t.run(SnapshotRequest.builder(store.toString()).source(source()));
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).action("prune").retention(1, 0, 0)))
                .isInstanceOf(ParameterException.class).hasMessageContaining("Invalid parameter 'source': pruning RDS snapshots deletes them in AWS");
        assertThat(SnapshotTesting.ids(store)).hasSize(2);
    }

    @Test
    void aFailedSnapshotAMissingInstanceAndATimeoutAreReportedAndNothingIsStored() throws Exception {
        Files.writeString(state.resolve("fail"), "");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(source())))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("RDS snapshot squad-rds-prod-db-").hasMessageContaining("ended in status 'failed'");
        Files.delete(state.resolve("fail"));

        Files.writeString(state.resolve("instance-missing"), "");
        assertThatThrownBy(() -> t.run(SnapshotRequest.builder(store.toString()).source(source())))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("aws rds create-db-snapshot failed (exit code 254: An error occurred (DBInstanceNotFound)");
        Files.delete(state.resolve("instance-missing"));

        Files.writeString(state.resolve("stuck"), "");
        assertThatThrownBy(() -> t.service().run(SnapshotRequest.builder(store.toString()).source(source()).timeout(Duration.ofSeconds(1)).build()))
                .isInstanceOf(SnapshotException.class)
                .hasMessageContaining("the timeout of 1.0 s was reached while waiting for RDS snapshot")
                .hasMessageContaining("AWS goes on creating it");
        assertThat(SnapshotTesting.ids(store)).isEmpty();
        assertThat(SnapshotTesting.pending(store)).isEmpty();
    }
}
