package ca.crim.pavics.jupyter.env.plan;

import ca.crim.pavics.jupyter.env.lock.CondaPackage;
import ca.crim.pavics.jupyter.snapshot.BaseSnapshot;
import ca.crim.pavics.jupyter.env.lock.LockFile;
import ca.crim.pavics.jupyter.env.lock.WheelPackage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What to do with each locked package given the base environment: add it (absent from the base), replace the
 * base's version (same name, different hash), or nothing (the base has exactly it). Base packages the lock does not
 * list stay. Conda packages are in dependency order (dependencies first, ties by name).
 */
public record InstallPlan(List<Step> conda, List<WheelStep> wheels, int unchanged) {
    public enum Action {
        ADD, REPLACE
    }

    public record Step(CondaPackage locked, Action action, Optional<BaseSnapshot.BaseConda> replaced) {
    }

    public record WheelStep(WheelPackage locked, Action action, Optional<BaseSnapshot.BasePip> replaced) {
    }

    public InstallPlan {
        conda = List.copyOf(conda);
        wheels = List.copyOf(wheels);
    }

    public static InstallPlan of(LockFile lock, BaseSnapshot base) {
        List<Step> steps = new ArrayList<>();
        int unchanged = 0;
        for (CondaPackage p : topological(lock.conda())) {
            Optional<BaseSnapshot.BaseConda> old = base.conda(p.name());
            if (old.isEmpty()) {
                steps.add(new Step(p, Action.ADD, Optional.empty()));
            } else if (same(p, old.get())) {
                unchanged++;
            } else {
                steps.add(new Step(p, Action.REPLACE, old));
            }
        }
        List<WheelStep> wheels = new ArrayList<>();
        for (WheelPackage w : lock.wheels()) {
            Optional<BaseSnapshot.BasePip> old = base.pip().stream()
                    .filter(b -> ca.crim.pavics.jupyter.spec.PipRequirement.normalize(b.name()).equals(w.normalizedName()))
                    .findFirst();
            if (old.isPresent() && old.get().version().equals(w.version())) {
                unchanged++;
            } else {
                wheels.add(new WheelStep(w, old.isPresent() ? Action.REPLACE : Action.ADD, old));
            }
        }
        return new InstallPlan(steps, wheels, unchanged);
    }

    private static boolean same(CondaPackage p, BaseSnapshot.BaseConda b) {
        if (p.sha256().isPresent() && b.sha256().isPresent()) {
            return p.sha256().get().equalsIgnoreCase(b.sha256().get());
        }
        if (p.md5().isPresent() && b.md5().isPresent()) {
            return p.md5().get().equalsIgnoreCase(b.md5().get());
        }
        return p.version().equals(b.version()) && p.build().equals(b.build());
    }

    /** Dependencies before dependents; among ready packages, by name; a cycle is broken at the smallest name. */
    static List<CondaPackage> topological(List<CondaPackage> packages) {
        Map<String, CondaPackage> byName = new TreeMap<>();
        packages.forEach(p -> byName.put(p.name(), p));
        Map<String, Set<String>> missing = new HashMap<>();
        for (CondaPackage p : byName.values()) {
            Set<String> deps = new HashSet<>();
            for (String spec : p.depends()) {
                String dep = spec.trim().split("[\\s=<>!~\\[]", 2)[0];
                if (byName.containsKey(dep) && !dep.equals(p.name())) {
                    deps.add(dep);
                }
            }
            missing.put(p.name(), deps);
        }
        List<CondaPackage> order = new ArrayList<>();
        TreeSet<String> left = new TreeSet<>(byName.keySet());
        while (!left.isEmpty()) {
            String next = left.stream().filter(n -> missing.get(n).isEmpty()).findFirst().orElse(left.first());
            left.remove(next);
            order.add(byName.get(next));
            missing.values().forEach(d -> d.remove(next));
        }
        return order;
    }
}
