#include "batch/checkpoints.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include "batch/execute_unit.h"
#include "kinds/record_check.h"
#include "params/field.h"
#include "results/record_checksum.h"
#include "theory/input_error.h"

namespace hopelab::batch {

namespace {

namespace fs = std::filesystem;

// At most this many characters of a value in a line (values come from files).
constexpr std::size_t kValueChars = 80;

std::string shortened(std::string text) {
  if (text.size() > kValueChars) text = text.substr(0, kValueChars - 3) + "...";
  return text;
}

std::string value_text(const results::AttributeValue& value) {
  return shortened(std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
          return params::value_text(std::vector<double>(v.begin(), v.end()));
        } else {
          return params::value_text(v);
        }
      },
      value));
}

// "name NOW, was WAS"
std::string change(const std::string& name, const std::string& now, const std::string& was) {
  return name + " " + shortened(now) + ", was " + shortened(was);
}

std::string attribute_change(const results::Attribute& now, const results::Attribute& was) {
  std::string a = value_text(now.value), b = value_text(was.value);
  if (a == b) {  // the same text: the units (or the types) differ
    a += " [" + now.unit + "]";
    b += " [" + was.unit + "]";
  }
  return change(now.name, a, b);
}

std::string version_text(const std::vector<std::int64_t>& version) {
  std::string text;
  for (std::size_t k = 0; k < version.size(); ++k) text += (k ? "." : "") + std::to_string(version[k]);
  return text;
}

// A checkpoint that passed its checksum: its file, its record (checksum removed) and why its
// source cannot stand for this run ("" when it can).
struct Found {
  std::int64_t file_index = 0;
  results::RunRecord record;
  std::string source;
};

// N of a file named unit-N.h5 as checkpoint_path names it (decimal, no leading zero), else -1.
std::int64_t checkpoint_index(const std::string& name) {
  const std::string prefix = "unit-", suffix = ".h5";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return -1;
  }
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 18 || (digits.size() > 1 && digits[0] == '0') ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  return std::stoll(digits);
}

// The checkpoint in `path`, or why it is damaged ("is unreadable (...)", "does not match its
// checksum ...").
std::variant<Found, std::string> read_checkpoint(const std::string& path, std::int64_t index,
                                                 const results::Provenance& now) {
  results::ResultsFile file;
  try {
    file = results::read_results_file(path);
  } catch (const InputError& e) {
    return std::string("is unreadable (") + e.what() + ")";
  }
  if (file.records.size() != 1) return "holds " + std::to_string(file.records.size()) + " records, not 1";
  Found found{index, std::move(file.records[0]), ""};
  auto& attributes = found.record.attributes;
  if (attributes.empty() || attributes.back().name != results::kChecksumAttribute) return "has no checksum";
  const auto* stored = std::get_if<std::string>(&attributes.back().value);
  const std::string sum = stored ? *stored : "";
  attributes.pop_back();
  if (sum != results::record_checksum(found.record)) return "does not match its checksum (corrupt or edited)";
  found.source = source_difference(file.format_version, file.provenance, now);
  if (found.source.empty()) {  // one it may use: its datasets must be its kind's
    try {
      kinds::check_record_datasets(found.record);
    } catch (const InputError& e) {
      return e.what();
    }
  }
  return found;
}

// Units recomputed from one [[run]]: how many, and the first one's reason.
struct Recomputed {
  std::string run;
  std::size_t units = 0;
  std::string why;
};

}  // namespace

std::string checkpoint_path(const std::string& work, std::int64_t unit_index) {
  return work + "/unit-" + std::to_string(unit_index) + ".h5";
}

void write_checkpoint(const std::string& work, const results::Provenance& provenance, const results::RunRecord& record) {
  results::RunRecord stored = record;
  stored.attributes.push_back({results::kChecksumAttribute, results::record_checksum(record)});
  results::write_results_file(checkpoint_path(work, record.unit_index), provenance, {stored}, true);
}

std::string unit_difference(const results::RunRecord& stored, const WorkUnit& unit) {
  const results::RunRecord expected = unit_record(unit);
  if (stored.group != expected.group) return change("group", expected.group, stored.group);
  for (const results::Attribute& a : expected.attributes) {
    const results::Attribute* was = results::find_attribute(stored, a.name);
    if (was == nullptr) return change(a.name, value_text(a.value), "absent");
    if (*was != a) return attribute_change(a, *was);
  }
  // A setting the checkpoint holds that the unit now leaves absent or that no longer applies.
  for (const params::FieldInfo& f : unit.settings->kind().schema()) {
    const results::Attribute* was = results::find_attribute(stored, f.name);
    if (was != nullptr && results::find_attribute(expected, f.name) == nullptr) {
      return change(f.name, "absent", value_text(was->value));
    }
  }
  return "";
}

std::string source_difference(const std::vector<std::int64_t>& format_version, const results::Provenance& stored,
                              const results::Provenance& now) {
  const std::vector<std::int64_t> ours(results::kFormatVersion.begin(), results::kFormatVersion.end());
  if (format_version != ours) {
    return "another format (" + change("format_version", version_text(ours), version_text(format_version)) + ")";
  }
  const auto flag = [](bool b) { return std::string(b ? "1" : "0"); };
  struct Field {
    const char* what;
    const char* name;
    std::string now, was;
  };
  const Field fields[] = {
      {"another build", "hopelab_version", now.hopelab_version, stored.hopelab_version},
      {"another build", "git_commit", now.git_commit, stored.git_commit},
      {"another build", "git_dirty", flag(now.git_dirty), flag(stored.git_dirty)},
      {"another build", "instruction_set", now.instruction_set, stored.instruction_set},
      {"another build", "rng", now.rng, stored.rng},
      {"another backend", "backend", now.backend, stored.backend},
      {"another backend", "device", now.device, stored.device},
      {"another shard", "shard", now.shard, stored.shard},
  };
  for (const Field& f : fields) {
    if (f.now != f.was) return std::string(f.what) + " (" + change(f.name, f.now, f.was) + ")";
  }
  return "";
}

Resumed resume_from_checkpoints(const std::string& work, const std::vector<const WorkUnit*>& units,
                                const results::Provenance& now) {
  std::set<std::int64_t> indices;
  std::error_code error;
  for (fs::directory_iterator it(work, error), end; !error && it != end; it.increment(error)) {
    const std::int64_t index = checkpoint_index(it->path().filename().string());
    if (index >= 0) indices.insert(index);
  }
  if (error) throw InputError(work + ": cannot list the work directory (" + error.message() + ")");

  std::vector<Found> found;
  std::map<std::int64_t, std::string> damaged;  // file index -> why
  for (std::int64_t index : indices) {
    std::variant<Found, std::string> read = read_checkpoint(checkpoint_path(work, index), index, now);
    if (auto* why = std::get_if<std::string>(&read)) {
      damaged[index] = *why;
    } else {
      found.push_back(std::move(std::get<Found>(read)));
    }
  }
  std::map<std::string, std::vector<Found*>> by_group;  // in file order
  for (Found& f : found) by_group[f.record.group].push_back(&f);

  Resumed out;
  std::vector<Recomputed> recomputed;  // by run, in unit order
  std::size_t reused = 0, recomputed_units = 0, without = 0;
  std::set<std::string> groups;
  std::set<std::int64_t> recomputing;  // indices of the units computed again (the damaged files' lines)
  for (const WorkUnit* unit : units) {
    groups.insert(unit->group);
    const auto held = by_group.find(unit->group);
    std::vector<Found*> candidates = held == by_group.end() ? std::vector<Found*>() : held->second;
    // The file under the unit's own index first.
    std::stable_partition(candidates.begin(), candidates.end(),
                          [&](const Found* f) { return f->file_index == unit->index; });
    Found* use = nullptr;
    std::string why;
    for (Found* f : candidates) {
      const std::string difference = f->source.empty() ? unit_difference(f->record, *unit) : f->source;
      if (difference.empty()) {
        use = f;
        break;
      }
      if (why.empty()) why = f->source.empty() ? "settings changed (" + difference + ")" : difference;
    }
    if (use != nullptr) {
      results::RunRecord record = std::move(use->record);
      record.unit_index = unit->index;
      if (use->file_index != unit->index) write_checkpoint(work, now, record);
      out.records.emplace(unit->index, std::move(record));
      ++reused;
      continue;
    }
    recomputing.insert(unit->index);
    if (why.empty() && damaged.count(unit->index)) why = "damaged checkpoint";
    if (why.empty()) {
      ++without;
      continue;
    }
    ++recomputed_units;
    auto run = std::find_if(recomputed.begin(), recomputed.end(), [&](const Recomputed& r) { return r.run == unit->run; });
    if (run == recomputed.end()) run = recomputed.insert(recomputed.end(), Recomputed{unit->run, 0, why});
    ++run->units;
  }
  for (const auto& [index, why] : damaged) {
    const std::string path = checkpoint_path(work, index);
    out.notes.push_back(recomputing.count(index) ? "recomputing unit " + std::to_string(index) + ": checkpoint " +
                                                       path + " " + why
                                                 : "not using checkpoint " + path + ": it " + why);
  }
  std::size_t unused = 0;
  for (const auto& [group, files] : by_group) unused += groups.count(group) ? 0 : files.size();

  out.summary = "resume: " + std::to_string(reused) + " units from checkpoints, " + std::to_string(recomputed_units) +
                " recomputed";
  for (std::size_t k = 0; k < recomputed.size(); ++k) {
    const Recomputed& r = recomputed[k];
    out.summary += (k ? "; run '" : " (run '") + r.run + "', " + std::to_string(r.units) +
                   (r.units == 1 ? " unit: " : " units: ") + r.why + (k + 1 == recomputed.size() ? ")" : "");
  }
  out.summary += ", " + std::to_string(without) + " without a checkpoint";
  if (unused > 0) out.summary += ", " + std::to_string(unused) + " checkpoints of units not in this run unused";
  return out;
}

}  // namespace hopelab::batch
