package io.jenkins.plugins.squaddeploy.engine.spi;

import io.jenkins.plugins.squaddeploy.engine.ParameterException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run, always as an argv list: no shell ever sees user input. Secrets go through
 * {@code env} or {@code stdin}, never through argv (argv is visible to every user in {@code ps}).
 */
public record CommandRequest(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout)
        implements Serializable {

    public CommandRequest {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
            throw new ParameterException("command", "the command is empty", "a list of arguments such as ['pg_isready', '-h', '127.0.0.1']");
        }
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a == null || a.indexOf('\0') >= 0) {
                throw new ParameterException("command[" + i + "]", "argument " + ParameterException.show(a) + " is missing or holds a NUL character", "a non-null string without NUL characters");
            }
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        stdin = stdin == null ? new byte[0] : stdin.clone();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException("timeout", "the command timeout must be positive", "a duration above zero");
        }
    }

    public static CommandRequest of(List<String> argv, Duration timeout) {
        return new CommandRequest(argv, Map.of(), null, timeout);
    }

    @Override
    public String toString() {
        return "CommandRequest" + argv + " (env keys " + env.keySet() + ")";
    }
}
