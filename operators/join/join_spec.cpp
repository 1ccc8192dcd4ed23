#include "operators/join/join_spec.h"

namespace sluice::operators::join {

dsl::KindSpec processor_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Processor;
  k.kind = "join";
  k.shape.min_inputs = 2;
  k.shape.keyed_on = true;
  k.shape.input_names = true;
  k.shape.changelog = true;
  k.summary =
      "Keyed merge of two or more changelogs (docs/language.md, \"join\"): keeps the latest row "
      "per key of each "
      "input and emits the merged row (the block's statements, inputs named `stage.field`, a "
      "missing side reads as null) whenever an input changes a key the first input has; a "
      "delete when the first input loses it. The state is checkpointed (on disk by default: "
      "settings { state { } }).";
  dsl::OptionSpec ttl = dsl::option(
      "ttl", dsl::OptType::Duration, "",
      "drop an input row not changed for longer than this, in event time (the latest event "
      "time seen is the clock), and emit what that changes: an update, or a delete when the "
      "first input's row expired. Applies to every input; `ttl { after = 30d  inputs = "
      "[\"orders\"] }` to some only. Unset: rows never expire.");
  ttl.min = 1;
  dsl::OptionSpec after = dsl::option("after", dsl::OptType::Duration, true, "", "As `ttl = D`.");
  after.min = 1;
  ttl.children = {after, dsl::option("inputs", dsl::OptType::StringList, "every input",
                                     "the inputs whose rows expire (names from `from`)")};
  k.options.push_back(ttl);
  return k;
}

}  // namespace sluice::operators::join
