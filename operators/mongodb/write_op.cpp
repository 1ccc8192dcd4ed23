#include "operators/mongodb/write_op.h"

namespace sluice::operators::mongodb {

std::string WriteOp::to_json() const {
  BsonDoc out;
  bson_t inner;
  const char* name = kind == Kind::Insert    ? "insertOne"
                     : kind == Kind::Replace ? "replaceOne"
                     : kind == Kind::Update  ? "updateOne"
                     : kind == Kind::Delete  ? "deleteOne"
                                             : "deleteMany";
  bson_append_document_begin(out.get(), name, -1, &inner);
  if (kind == Kind::Insert) {
    bson_append_document(&inner, "document", -1, body.get());
  } else {
    bson_append_document(&inner, "filter", -1, filter.get());
    if (kind == Kind::Replace) bson_append_document(&inner, "replacement", -1, body.get());
    if (kind == Kind::Update) bson_append_document(&inner, "update", -1, body.get());
    if (kind != Kind::Delete && kind != Kind::DeleteAll)
      bson_append_bool(&inner, "upsert", -1, upsert);
  }
  bson_append_document_end(out.get(), &inner);
  return out.canonical_json();
}

}  // namespace sluice::operators::mongodb
