package io.jenkins.plugins.squaddeploy.steps.snapshot;

import hudson.Extension;
import io.jenkins.plugins.squaddeploy.engine.secret.SecretSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSource;
import io.jenkins.plugins.squaddeploy.engine.snapshot.SnapshotSources;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code filesSource(baseDir: '/opt/squad-api', paths: ['config', '.env.production'])}: a tar.gz, permissions kept. */
public class FilesSource extends DbSnapshotSource {
    private static final long serialVersionUID = 1L;

    private final String baseDir;
    private List<String> paths = new ArrayList<>(List.of("."));

    @DataBoundConstructor
    public FilesSource(String baseDir) {
        this.baseDir = baseDir;
    }

    public String getBaseDir() {
        return baseDir;
    }

    public List<String> getPaths() {
        return paths;
    }

    @DataBoundSetter
    public void setPaths(List<String> paths) {
        this.paths = paths == null ? new ArrayList<>() : new ArrayList<>(paths);
    }

    @Override
    public SnapshotSource toSource(String p, SecretSource secrets, UnaryOperator<String> workspace) {
        String base = blankToNull(baseDir);
        return SnapshotSources.files(p, base == null ? null : base.startsWith("/") ? base : workspace.apply(base), paths);
    }

    @Extension
    @Symbol("filesSource")
    public static class DescriptorImpl extends DbSnapshotSourceDescriptor {
        @Override
        public String getDisplayName() {
            return "Files and folders (tar.gz)";
        }
    }
}
