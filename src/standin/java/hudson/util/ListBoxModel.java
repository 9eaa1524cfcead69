package hudson.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;

/**
 * Stand-in for {@code hudson.util.ListBoxModel}: the options of a drop-down list in a form.
 * <p>Left out: the {@code HttpResponse} supertype and the Stapler/servlet members ({@code writeTo},
 * {@code generateResponse}), and {@code add(ModelObject, String)}.
 */
public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    private static final long serialVersionUID = 1L;

    public ListBoxModel(int initialCapacity) {
        super(initialCapacity);
    }

    public ListBoxModel() {
    }

    public ListBoxModel(Collection<Option> c) {
        super(c);
    }

    public ListBoxModel(Option... data) {
        super(Arrays.asList(data));
    }

    public void add(String displayName, String value) {
        add(new Option(displayName, value));
    }

    public ListBoxModel add(String nameAndValue) {
        add(nameAndValue, nameAndValue);
        return this;
    }

    @Deprecated
    public Option[] values() {
        return toArray(new Option[size()]);
    }

    /** One option: a display name and the value submitted for it. */
    public static final class Option {
        public String name;
        public String value;
        public boolean selected;

        public Option(String name, String value) {
            this(name, value, false);
        }

        public Option(String name) {
            this(name, name, false);
        }

        public Option(String name, String value, boolean selected) {
            this.name = name;
            this.value = value;
            this.selected = selected;
        }

        @Override
        public String toString() {
            return name + "=" + value + (selected ? "[selected]" : "");
        }
    }
}
