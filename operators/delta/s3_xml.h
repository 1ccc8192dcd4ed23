// The few elements sink delta's S3 client reads from S3's XML answers (ListObjectsV2, Error,
// InitiateMultipartUpload, CompleteMultipartUpload), found by a small, bounded tag scanner.
// Not an XML parser, and no XML library on purpose: none is linked into Sluice or installed by
// scripts/install-deps.sh, and these answers are flat, machine-written XML (no CDATA, comments
// or prefixed tags); the scanner finds <Tag> (or <Tag attr=...>) ... </Tag>, never nested in a
// tag of the same name, in one forward pass, and decodes the five entities and &#N; / &#xH;.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace sluice::operators::delta {

// The raw inner text of each <tag>...</tag> of xml in order, at most `limit` of them (an
// unclosed element ends the scan).
std::vector<std::string> s3_xml_all(const std::string& xml, const std::string& tag,
                                    size_t limit = 100000);
// The first <tag>'s inner text with entities decoded; "" when there is none.
std::string s3_xml_first(const std::string& xml, const std::string& tag);
// Text with &lt; &gt; &amp; &quot; &apos; &#N; &#xH; decoded (UTF-8); unknown entities stay.
std::string s3_xml_decode(const std::string& text);

}  // namespace sluice::operators::delta
