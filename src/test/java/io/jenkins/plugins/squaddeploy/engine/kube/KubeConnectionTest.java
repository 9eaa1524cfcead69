package io.jenkins.plugins.squaddeploy.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.squaddeploy.build.TestSecrets;
import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import io.jenkins.plugins.squaddeploy.engine.secret.Masker;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The kubeconfig credential: validated, its secrets masked, never shown by toString; parameters named in errors. */
class KubeConnectionTest {
    static final String KEY = TestSecrets.generate("kubekey");
    static final String PASSWORD = TestSecrets.generate("kubepass");
    static final String KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://k8s.example:6443\n"
            + "contexts:\n- name: prod\n  context:\n    cluster: c\n    user: u\ncurrent-context: prod\nusers:\n- name: u\n  user:\n"
            + "    client-key-data: \"" + KEY + "\"\n- name: v\n  user:\n    username: admin\n    password: \"" + PASSWORD + "\"\n";

    @Test
    void registersEveryKubeconfigSecretWithTheMaskerAndNeverPrintsIt() {
        Masker masker = new Masker();
        KubeConnection c = KubeConnection.of(UnaryOperator.identity(), "prod-kube", "prod", "production").withKubeconfig(KUBECONFIG, masker);
        assertThat(masker.mask("key " + KEY + " pass " + PASSWORD)).isEqualTo("key **** pass ****");
        assertThat(c.toString()).doesNotContain(KEY).doesNotContain("client-key").contains("kubeconfig ****");
        assertThat(c.withoutSecret().kubeconfig()).isNull();
        assertThat(c.config().getNamespace()).isEqualTo("production");
        assertThat(c.config().getMasterUrl()).isEqualTo("https://k8s.example:6443/");
    }

    @Test
    void namesTheParameterOfEachMistake() {
        assertThatThrownBy(() -> KubeConnection.of(UnaryOperator.identity(), "x", null, "Prod_NS")).isInstanceOf(ParameterException.class)
                .hasMessageContaining("namespace").hasMessageContaining("lower-case");
        assertThatThrownBy(() -> KubeConnection.of(UnaryOperator.identity(), "bad id!", null, null)).hasMessageContaining("credentialsId");
        KubeConnection c = KubeConnection.of(UnaryOperator.identity(), "prod-kube", "staging", null);
        assertThatThrownBy(() -> c.withKubeconfig(KUBECONFIG, new Masker())).hasMessageContaining("context").hasMessageContaining("has no context 'staging'")
                .hasMessageContaining("[prod]").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> c.withKubeconfig("token: " + KEY + "\n", new Masker())).hasMessageContaining("is not a kubeconfig").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> c.withKubeconfig("{not yaml: [" + KEY, new Masker())).hasMessageContaining("is not YAML").hasMessageNotContaining(KEY);
    }
}
