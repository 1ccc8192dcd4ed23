#include "operators/aggregate/aggregate_spec.h"

namespace sluice::operators::aggregate {

dsl::KindSpec processor_spec() {
  using dsl::OptType;
  dsl::KindSpec k;
  k.role = dsl::Role::Processor;
  k.kind = "aggregate";
  k.shape.fields = true;
  k.shape.changelog = true;
  k.summary =
      "Changelog aggregation (docs/language.md, \"aggregate\"): `group by` keys and aggregate "
      "fields (count, "
      "count_distinct, sum, avg, min, max, first, last, collect_set, collect_list), exact under "
      "retraction; optional event-time windows `window tumbling(D) | hopping(D, ADVANCE) | "
      "session(GAP) on FIELD`. Emits an upsert per changed group and a delete when a group "
      "empties (or, with `emit = on_close`, one row per window when it closes); the state is "
      "checkpointed.";
  dsl::OptionSpec wm = dsl::option(
      "watermark", OptType::Duration, "",
      "With a window: how far the watermark stays behind the largest event time seen (the "
      "window FIELD's value). A window closes when the watermark reaches its end plus "
      "`allowed_lateness`: its state is dropped and a later event for it goes to the dead "
      "letters with kind \"late\". Without it windows never close.");
  wm.min = 0;
  dsl::OptionSpec late = dsl::option(
      "allowed_lateness", OptType::Duration, "0s",
      "With a watermark: how long after the watermark passed a window's end the window stays "
      "open for late events.");
  late.min = 0;
  k.options = {
      wm,
      late,
      dsl::enum_option(
          "watermark_from", {"data", "source"}, "data",
          "data: the watermark follows the largest event time seen (with no new events nothing "
          "closes); source: it follows the sources' progress (the commit time up to which every "
          "source upstream has read all changes, the present once a source has caught up; a "
          "MySQL source's heartbeats bring it forward on an idle server), taken at each "
          "checkpoint, minus `watermark`. Suits a window FIELD set at commit time."),
      dsl::enum_option("emit", {"on_update", "on_close"}, "on_update",
                       "on_update: the changelog of every group as it changes; on_close (needs a "
                       "window and a watermark): nothing until a window closes, then one \"c\" "
                       "per group of the window with its final row."),
  };
  return k;
}

}  // namespace sluice::operators::aggregate
