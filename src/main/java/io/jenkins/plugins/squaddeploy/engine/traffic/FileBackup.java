package io.jenkins.plugins.squaddeploy.engine.traffic;

import java.io.Serializable;

/**
 * The contents a router file and its {@code .previous} copy had before {@link RouterHost#installFile} changed
 * them (null: the file did not exist), so {@link RouterHost#restoreFiles} can put both back exactly.
 */
public record FileBackup(String path, String live, String previous) implements Serializable {
}
