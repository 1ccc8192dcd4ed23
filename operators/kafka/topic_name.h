// The topic names Kafka takes: characters [a-zA-Z0-9._-], at most 249 of them, not "." or "..".
// A name the sink makes of a server, database and table (or a topic expression gives) that is
// not one is made one as Debezium's topic naming strategies do
// (AbstractTopicNamingStrategy.sanitizedTopicName), so a Debezium consumer finds the same topic.
#pragma once
#include <string>
#include <string_view>

namespace sluice::operators::kafka {

// Whether Kafka takes `name` as it is.
bool kafka_topic_valid(std::string_view name);

// Each other character becomes '_' (as many as Java's UTF-16 units: one for a character of the
// Basic Multilingual Plane, two beyond it; one for a byte that is no UTF-8), the name is cut to
// 249 characters, "." becomes "_" and ".." "__". A valid name comes back as it is.
std::string kafka_topic_name(std::string_view name);

}  // namespace sluice::operators::kafka
