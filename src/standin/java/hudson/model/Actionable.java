package hudson.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stand-in for {@code hudson.model.Actionable}: a list of {@link Action}s (no transient action factories here). */
public abstract class Actionable {

    private volatile CopyOnWriteArrayList<Action> actions;

    /** The live, mutable action list (deprecated in Jenkins in favour of the methods below). */
    @Deprecated
    public List<Action> getActions() {
        if (actions == null) {
            synchronized (this) {
                if (actions == null) {
                    actions = new CopyOnWriteArrayList<>();
                }
            }
        }
        return actions;
    }

    public final List<? extends Action> getAllActions() {
        return Collections.unmodifiableList(new ArrayList<>(getActions()));
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        List<T> r = new ArrayList<>();
        for (Action a : getAllActions()) {
            if (type.isInstance(a)) {
                r.add(type.cast(a));
            }
        }
        return Collections.unmodifiableList(r);
    }

    public void addAction(Action a) {
        if (a == null) {
            throw new IllegalArgumentException("Action must be non-null");
        }
        getActions().add(a);
    }

    public void replaceAction(Action a) {
        addOrReplaceAction(a);
    }

    /** Adds {@code a} unless already present, removing other actions of exactly the same class. */
    public boolean addOrReplaceAction(Action a) {
        if (a == null) {
            throw new IllegalArgumentException("Action must be non-null");
        }
        List<Action> old = new ArrayList<>(1);
        List<Action> current = getActions();
        boolean found = false;
        for (Action a2 : current) {
            if (!found && a.equals(a2)) {
                found = true;
            } else if (a2.getClass() == a.getClass()) {
                old.add(a2);
            }
        }
        current.removeAll(old);
        if (!found) {
            addAction(a);
        }
        return !found || !old.isEmpty();
    }

    public boolean removeAction(Action a) {
        if (a == null) {
            return false;
        }
        return getActions().removeAll(Set.of(a));
    }

    public <T extends Action> T getAction(Class<T> type) {
        for (Action a : getAllActions()) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }
}
