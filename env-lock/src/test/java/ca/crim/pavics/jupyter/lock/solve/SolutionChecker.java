package ca.crim.pavics.jupyter.lock.solve;

import ca.crim.pavics.jupyter.conda.record.PackageRecord;
import ca.crim.pavics.jupyter.conda.spec.MatchSpec;
import ca.crim.pavics.jupyter.conda.virtual.VirtualPackage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a solution on its own, without the solver's code: one record per name, every requested spec met, every
 * {@code depends} of every record met by the solution (or a virtual package), every {@code constrains} respected by
 * the solution, every pin respected, every installed name still installed. Returns the violations (empty when none).
 */
public final class SolutionChecker {
    private SolutionChecker() {
    }

    public static List<String> violations(Map<String, PackageRecord> solution, List<MatchSpec> specs, List<PackageRecord> installed,
            List<VirtualPackage> virtual, List<MatchSpec> pins) {
        List<String> out = new ArrayList<>();
        Map<String, PackageRecord> all = new HashMap<>(solution);
        for (VirtualPackage v : virtual) {
            all.put(v.name(), v.toRecord());
        }
        for (Map.Entry<String, PackageRecord> e : solution.entrySet()) {
            if (!e.getKey().equals(e.getValue().name())) {
                out.add("entry " + e.getKey() + " holds " + e.getValue().dist());
            }
        }
        for (MatchSpec s : specs) {
            PackageRecord r = all.get(s.exactName().orElse(""));
            if (r == null || !s.matches(r)) {
                out.add("requested '" + s + "' not met (" + (r == null ? "absent" : r.dist()) + ")");
            }
        }
        for (PackageRecord r : solution.values()) {
            for (String d : r.depends()) {
                MatchSpec s = parse(d);
                PackageRecord dep = all.get(s.exactName().orElse(""));
                if (dep == null || !s.matches(dep)) {
                    out.add(r.dist() + " depends on '" + d + "': " + (dep == null ? "absent" : dep.dist()));
                }
            }
            for (String c : r.constrains()) {
                MatchSpec s = parse(c);
                PackageRecord other = all.get(s.exactName().orElse(""));
                if (other != null && !s.matches(other)) {
                    out.add(r.dist() + " constrains '" + c + "': " + other.dist());
                }
            }
        }
        for (MatchSpec p : pins) {
            PackageRecord r = all.get(p.exactName().orElse(""));
            if (r != null && !p.matches(r)) {
                out.add("pin '" + p + "' not respected: " + r.dist());
            }
        }
        for (PackageRecord i : installed) {
            if (!solution.containsKey(i.name())) {
                out.add("installed " + i.name() + " removed");
            }
        }
        return out;
    }

    private static MatchSpec parse(String s) {
        try {
            return MatchSpec.parse(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
