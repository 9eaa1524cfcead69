package org.jenkinsci.remoting;

/**
 * Stand-in for remoting's {@code RoleChecker}. Its {@code check(...)} members take {@code Role}, which the
 * stand-in does not declare, so only the type itself is available.
 */
public abstract class RoleChecker {
}
