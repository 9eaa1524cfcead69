package io.jenkins.plugins.squaddeploy.engine.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every parameter is checked before anything is contacted: the error names the parameter and the accepted form. */
class DeployRequestTest {
    private static DeployRequest.Builder good() {
        return DeployRequest.builder().service("shop").image("squad-api:1.0.0").strategy("blueGreen")
                .docker(List.of("LOG_LEVEL=info"), null, List.of()).ports("blue=8001,green=8002");
    }

    private static ParameterException error(UnaryOperator<DeployRequest.Builder> b) {
        try {
            b.apply(good()).build();
        } catch (ParameterException e) {
            return e;
        }
        throw new AssertionError("no ParameterException");
    }

    @Test
    void defaults() {
        DeployRequest r = good().build();
        assertThat(r.environment()).isEqualTo("default");
        assertThat(r.version()).isEqualTo("1.0.0");
        assertThat(r.portVariable()).isEqualTo("PORT");
        assertThat(r.healthTimeout().toSeconds()).isEqualTo(120);
        assertThat(r.lockTimeout().toSeconds()).isEqualTo(900);
        assertThat(r.imageSource()).isEqualTo(ImageSource.AUTO);
        assertThat(r.upstreamHost()).isEqualTo("127.0.0.1");
        assertThat(r.colours().colours()).containsExactly("blue", "green");
        assertThat(((TargetSpec.Docker) r.target()).network()).isEqualTo("host");
        TargetSpec.Compose c = (TargetSpec.Compose) good().compose(List.of("docker-compose.yml"), null, null, null).build().target();
        assertThat(c.project()).isEqualTo("shop");
        assertThat(c.services()).containsExactly("shop");
    }

    @ParameterizedTest
    @ValueSource(strings = {"squad-api:1.0.0", "ghcr.io/sbf/api:hotfix-3fa9c1e", "registry.example.com:5000/team/squad-api:1.0.0",
            "localhost/a_b__c-d.e:latest", "squad-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "squad-api:1.0.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "127.0.0.1:5000/app:v1"})
    void acceptedImageReferences(String ref) {
        assertThat(ImageRef.parse("image", ref).toString()).isEqualTo(ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Squad-API:1.0.0", "squad api:1", "squad-api:", "squad-api:-x", ":1.0", "squad-api:1.0;reboot", "squad--api/:1",
            "squad-api@sha256:abc", "-squad:1", "squad-api:1.0.0\n", "squad-api"})
    void rejectedImageReferences(String ref) {
        assertThatThrownBy(() -> ImageRef.parse("image", ref)).isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("Invalid parameter 'image'").hasMessageContaining("Expected an image reference");
    }

    @Test
    void repositoryTagsForRollback() {
        assertThat(ImageRef.parse("image", "ghcr.io/sbf/api:hotfix-1").withTag("rollback")).isEqualTo("ghcr.io/sbf/api:rollback");
        assertThat(ImageRef.parse("image", "127.0.0.1:5000/app@sha256:0123456789abcdef0123456789abcdef").withTag("previous")).isEqualTo("127.0.0.1:5000/app:previous");
    }

    @Test
    void eachParameterIsNamed() {
        assertThat(error(b -> b.service("Shop")).parameter()).isEqualTo("service");
        assertThat(error(b -> b.service("shop && reboot")).parameter()).isEqualTo("service");
        assertThat(error(b -> b.environment("prod/eu")).parameter()).isEqualTo("environment");
        assertThat(error(b -> b.version("1.0 beta")).parameter()).isEqualTo("version");
        assertThat(error(b -> b.image("squad-api@sha256:0123456789abcdef0123456789abcdef")).parameter()).isEqualTo("version");
        assertThat(error(b -> b.strategy("Blue-Green")).getMessage()).contains("one of 'blueGreen', 'rolling', 'recreate'");
        assertThat(error(b -> b.ports(null)).parameter()).isEqualTo("target.ports");
        assertThat(error(b -> b.ports("blue=8001")).getMessage()).contains("exactly two colours");
        assertThat(error(b -> b.ports("blue=8001,blue=8002")).getMessage()).contains("given twice");
        assertThat(error(b -> b.ports("blue=8001,green=8001")).getMessage()).contains("given to two colours");
        assertThat(error(b -> b.ports("blue=8001,green=70000")).getMessage()).contains("out of range");
        assertThat(error(b -> b.ports("blue_1=8001,green=8002")).getMessage()).contains("not a valid colour name");
        assertThat(error(b -> b.strategy("rolling").ports("8001")).getMessage()).contains("not a port range");
        assertThat(error(b -> b.strategy("rolling").ports("8001-8002").replicas(2)).getMessage()).contains("needs 3");
        assertThat(error(b -> b.strategy("rolling").ports("8001-8009").replicas(0)).parameter()).isEqualTo("replicas");
        assertThat(error(b -> b.replicas(2)).getMessage()).contains("only applies to the rolling strategy");
        assertThat(error(b -> b.strategy("recreate").ports("blue=1,green=2")).parameter()).isEqualTo("target.ports");
        assertThat(error(b -> b.portVariable("1PORT")).parameter()).isEqualTo("target.portVariable");
        assertThat(error(b -> b.healthTimeoutSeconds(0)).parameter()).isEqualTo("healthTimeout");
        assertThat(error(b -> b.lockTimeoutSeconds(-1)).parameter()).isEqualTo("lockTimeout");
        assertThat(error(b -> b.migration(List.of("", "x"))).parameter()).isEqualTo("migration[0]");
        assertThat(error(b -> b.strategy("recreate").ports("").migration(List.of("alembic"))).parameter()).isEqualTo("migration");
        assertThat(error(b -> b.imageSource("registry")).getMessage()).contains("'auto', 'pull', 'build', 'local'");
        assertThat(error(b -> b.imageSource("build")).parameter()).isEqualTo("buildContext");
        assertThat(error(b -> b.buildContext(".")).parameter()).isEqualTo("buildContext");
        assertThat(error(b -> b.labels(List.of("io.squad-deploy.version=1"))).getMessage()).contains("squadDeploy writes itself");
        assertThat(error(b -> b.labels(List.of("novalue"))).parameter()).isEqualTo("labels[0]");
        assertThat(error(b -> b.docker(List.of("A B=1"), null, null)).parameter()).isEqualTo("target.env[0]");
        assertThat(error(b -> b.docker(null, "host;x", null)).parameter()).isEqualTo("target.network");
        assertThat(error(b -> b.docker(null, null, List.of("--privileged"))).parameter()).isEqualTo("target.volumes[0]");
        assertThat(error(b -> b.compose(List.of(), null, null, null)).parameter()).isEqualTo("target.files");
        assertThat(error(b -> b.compose(List.of("a.yml"), "My Project", null, null)).parameter()).isEqualTo("target.project");
        assertThat(error(b -> b.compose(List.of("a.yml"), null, null, List.of("web", "web"))).parameter()).isEqualTo("target.services[1]");
        assertThat(error(b -> b.compose(List.of("a.yml"), null, null, List.of("we b"))).parameter()).isEqualTo("target.services[0]");
        assertThat(error(b -> b.upstreamHost("127.0.0.1/evil")).parameter()).isEqualTo("upstreamHost");
        assertThat(error(b -> b.docker(null, null, null).compose(null, null, null, null)).parameter()).isEqualTo("target.files");
    }

    @Test
    void noTarget() {
        assertThatThrownBy(() -> DeployRequest.builder().service("shop").image("a:1").strategy("recreate").build())
                .isInstanceOf(ParameterException.class).hasMessageContaining("'target'");
    }

    @Test
    void recordRoundTripsThroughItsMap() {
        ReleaseRecord prev = new ReleaseRecord("r1", "shop", "prod", "1.0.0", "a:1.0.0", "sha256:1", null, "blueGreen", "docker", "blue",
                List.of(new ReleaseRecord.Instance("shop-blue", 8001, "c1")), "2026-01-01T00:00:00Z", "http://j/1/", true, "/s/shop.json", null);
        ReleaseRecord cur = new ReleaseRecord("r2", "shop", "prod", "2.0.0", "a:2.0.0", "sha256:2", "a@sha256:9", "blueGreen", "docker", "green",
                List.of(new ReleaseRecord.Instance("shop-green", 8002, "c2")), "2026-01-02T00:00:00Z", null, false, "/s/shop.json", prev);
        assertThat(ReleaseRecord.fromMap(cur.toMap())).isEqualTo(cur);
        assertThat(Labels.of(cur, "green", 8002)).containsEntry(Labels.PREVIOUS_VERSION, "1.0.0").containsEntry(Labels.PORT, "8002")
                .doesNotContainKey(Labels.BUILD_URL);
    }
}
