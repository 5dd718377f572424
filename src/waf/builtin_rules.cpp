#include "waf/builtin_rules.h"

#include <iterator>

namespace centinela::waf {

namespace {

// Anomaly scoring as CRS scores a critical finding of paranoia level 1, so
// the route's threshold decides (949110) and exclusions by id work. With rule
// files that do not define tx.critical_anomaly_score they add nothing.
constexpr const char* kBuiltinRules = R"(
SecRule REQBODY_ERROR "!@eq 0" \
  "id:200002,phase:2,pass,t:none,log,\
  msg:'Failed to parse request body',\
  logdata:'%{reqbody_error_msg}',\
  tag:'centinela/body',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule MULTIPART_STRICT_ERROR "!@eq 0" \
  "id:200003,phase:2,pass,t:none,log,\
  msg:'Multipart request body failed strict validation',\
  tag:'centinela/body',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
)";

// centinela's tokenisers (src/detect) as rules, scored like a CRS critical
// finding so one of them blocks at the default threshold. Ids 9700000+;
// a program keeps the ones waf.native enables (ProgramOptions::native).
// Phase 2, so body arguments are read as well as the head's.
constexpr const char* kNativeRules = R"rules(
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|XML:/* "@detectSQLi" \
  "id:9700100,phase:2,pass,t:none,log,\
  msg:'SQL injection (centinela SQL tokeniser)',\
  logdata:'fingerprint %{tx.0} in %{matched_var_name}',\
  tag:'centinela/sqli',tag:'attack-sqli',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|REQUEST_FILENAME|XML:/* "@detectXSS" \
  "id:9700200,phase:2,pass,t:none,log,\
  msg:'Cross-site scripting (centinela HTML/JavaScript tokeniser)',\
  logdata:'%{tx.0} in %{matched_var_name}',\
  tag:'centinela/xss',tag:'attack-xss',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|XML:/* "@detectShell" \
  "id:9700300,phase:2,pass,t:none,log,\
  msg:'Shell command injection (centinela shell tokeniser)',\
  logdata:'%{tx.0} in %{matched_var_name}',\
  tag:'centinela/shell',tag:'attack-rce',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|REQUEST_FILENAME|XML:/* "@detectPath" \
  "id:9700400,phase:2,pass,t:none,log,\
  msg:'Path traversal (centinela path tokeniser)',\
  logdata:'%{tx.0} in %{matched_var_name}',\
  tag:'centinela/path',tag:'attack-lfi',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# A backslash is written \x5c: in @rx, `\\` reads as `\` (ModSecurity 2's quoting,
# compile_operator.cpp), which would leave `\|`, a literal bar.
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|REQUEST_FILENAME|XML:/* "@rx (?i)(?:(?:\.|%2e|0x2e|%c0\.|%c0%ae|%e0%80%ae|%uff0e|\xc0\.|\xc0\xae){2}[^\w\s]{0,3}(?:/|\x5c|%2f|%5c|0x2f|0x5c|2f|5c|%c0%af|%c1%1c|%c1%9c|%c0%9v|%c0%qf|%qf|%8s|%2%f|%5%c|%bg|\xc0\xaf|\xc1\x1c|\xc1\x9c)){2,}|(?:(?:\.|%2e|0x2e|%c0\.|%c0%ae|%e0%80%ae|%uff0e|\xc0\.|\xc0\xae){2}[^\w\s]{0,3}(?:/|\x5c|%2f|%5c|0x2f|0x5c|2f|5c|%c0%af|%c1%1c|%c1%9c|%c0%9v|%c0%qf|%qf|%8s|%2%f|%5%c|%bg|\xc0\xaf|\xc1\x1c|\xc1\x9c))+(?:(?:etc|windows|winnt|boot\.ini|usr|var|proc)\b|apache|httpd|nginx|inetpub|system32)" \
  "id:9700410,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'Path traversal spelt to evade decoding (0x2e, half and broken escapes)',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/path',tag:'attack-lfi',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|REQUEST_FILENAME|XML:/* "@rx [\xc0\xc1][\x80-\xbf]|\xe0[\x80-\x9f][\x80-\xbf]|\xf0[\x80-\x8f][\x80-\xbf]{2}|[\xf8-\xfb][\x80-\xbf]{4}|[\xfc\xfd][\x80-\xbf]{5}" \
  "id:9700420,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'Overlong UTF-8 (RFC 3629 forbids it; a way past decoders that check the short form)',\
  logdata:'%{matched_var_name}',\
  tag:'centinela/path',tag:'attack-lfi',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# A system file whose separators a fuzzer replaced with junk a decoder may
# drop or map to '/' (etc%c0%qfpasswd, ..%c1%1cboot.ini, etcissue glued,
# windows0x5csystem32): the name with bytes between or before it that are
# no separator, no word and no blank. A plain path (/etc/passwd) is 9700400's
# to judge; prose ("etc. hosts", "windows-system32") has blanks or a dash.
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|REQUEST_FILENAME|XML:/* "@rx (?i)(?:^|[^a-z]|(?:[^\w\s/\x5c-]|%[0-9a-z]{1,2}|0x(?:2f|5c)|\xe2\x88[\x95\x96]))etc(?:[/\x5c]?(?:[^\w\s/\x5c-]|%[0-9a-z]{1,2}|0x(?:2f|5c)|\xe2\x88[\x95\x96])[/\x5c]?){0,12}(?:passwd|shadow|issue|hosts)\b|(?:[/\x5c]?(?:[^\w\s/\x5c-]|%[0-9a-z]{1,2}|0x(?:2f|5c)|\xe2\x88[\x95\x96])[/\x5c]?)(?:boot|win)\.ini|windows(?:[/\x5c]?(?:[^\w\s/\x5c-]|%[0-9a-z]{1,2}|0x(?:2f|5c)|\xe2\x88[\x95\x96])[/\x5c]?){0,12}system32" \
  "id:9700430,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'System file named with junk for separators (a traversal past decoders)',\
  logdata:'%{matched_var_name}',\
  tag:'centinela/path',tag:'attack-lfi',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS|REQUEST_FILENAME|\
XML:/* "@rx (?i)\$\{(?:[^{}]{0,15}\$\{|jndi:|ctx:|java:|env:|sys:|lower:|upper:|::-)" \
  "id:9700500,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'Log4j lookup (JNDI injection, CVE-2021-44228)',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/log4j',tag:'attack-rce',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# Query languages and template engines with no tokeniser here: what a value
# must hold to escape into one (an operator object, a statement after a broken
# string, a filter closed and another opened, an expression that reaches for
# the runtime) - never a bare metacharacter. Written on bench/waf's train
# split, checked against its benign traffic (0 hits).
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|XML:/* "@rx (?i)(?:^|[\[{,.\s\"'])[$](?:ne|eq|gte?|lte?|in|nin|regex|where|exists|expr|or|and|nor|not|elemMatch|size|all|mod|function|accumulator|lookup|jsonSchema)\b(?:\s*[\"'\]]?\s*[:=\]]|$)|[\"'][&](?:ne|eq|gte?|lte?|in|nin|regex|where|exists|expr|or|and|nor|not|elemMatch|size|all|mod|function|accumulator|lookup|jsonSchema)[\"']\s*:|\[\s*[$][a-z]+\s*\]|\bthis\.\w+\.(?:match|constructor|valueOf|toString)\s*\(|\bdb\.\w+\.(?:insert|find|update|remove|drop|mapReduce|aggregate|save|delete\w*)\s*\(|(?:^\s*\d+|[\"'])\s*;\s*(?:return\b|var\s|let\s|const\s|while\s*\(|do\s*\{|for\s*\(|if\s*\(|function\s*\(|sleep\s*\(|\w+\s*=\s*new\s)|\|\|\s*(?:\d+\s*==\s*\d+|true\b|[\"']\w*[\"']\s*==)|[\"']\s*&&\s*this\." \
  "id:9700600,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'NoSQL injection (MongoDB query operators, server-side JavaScript)',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/nosql',tag:'attack-injection-generic',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# t:urlDecodeUni reads a '+' as a blank, so {{4+4}} arrives as {{4 4}}: two
# numbers side by side in an expression are that sum.
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|XML:/* "@rx (?:\{\{|\$\{|#\{|\*\{|@\{|<%=?|\{%|\[#|\[\[|\{\$)(?:\s*[\"']?\d+[\"']?\s*[*+/%-]\s*[\"']?\d+[\"']?\s*(?:\}\}?|%>|\]\]|\})|[^\n]{0,200}?(?:__\w+__|\bgetClass\s*\(|\bforName\s*\(|\bT\s*\(\s*java\.|java\.lang\.|\bRuntime\b|\bProcessBuilder\b|\bos\.(?:system|popen|environ)|\bsubprocess\b|\bpopen\s*\(|\bexec\s*\(|\beval\s*\(|\bsystem\s*\(|\|\s*attr\s*\(|\|\s*(?:filter|map|reduce|sort)\s*\(\s*['\"](?:system|exec|passthru|shell_exec|popen)|\bself\.\w+\.|\bconfig\s*\.\s*(?:items|iteritems|from_\w+|__)|\bapp\.request\b|\brequest\.(?:application|args|environ|values)\b|\bdump\s*\(|\bcycler\b|\bjoiner\b|\blipsum\b|\bfreemarker\b|\?new\s*\(|\bgetRuntime\b|\bgetEngineByName\b|\.(?:class|mro|subclasses|bases?|globals|builtins|init)\b\s*[.(\[]|\brequire\s*\(\s*['\"]child_process|\bmainModule\b|\bconstructor\s*\())|\{\{\s*(?:self|request|config|settings|session|app|_self)\s*\}\}|\{\{\s*\d+\s+\d+\s*\}\}|@\(\s*\d+\s*[*+/%-]\s*\d+\s*\)|\{php\}|<#assign\b|\[#assign\b|\{\{\s*[\"'][^\"']*[\"']\s*\.\s*\w+\s*\(" \
  "id:9700700,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'Server-side template injection',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/ssti',tag:'attack-injection-generic',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# LDAP filters (RFC 4515): the application writes the value into an
# assertion, (uid=VALUE). An injection starts inside it - no parenthesis before
# its first ')' - and closes it (one ')' or more) to open another filter: a
# boolean one, an attribute assertion or an empty one (x)(|(cn=*,
# admin))(|(password=*). Or a wildcard closes it (*)), or a wildcard opens a
# filter of its own (*(|(mail=*)), *(objectClass=*)), or the filter is cut by a
# NUL that a C library reads as its end (*))%00, admin)\x00). A whole filter
# sent as a value, "(&(objectClass=user)(cn=bob))", starts with '(' and does not
# match: an API may take filters. Not User-Agent or Referer: with them the
# JSON request of bench/waf/CPU.md cost 1.7 % more instructions, and no
# payload of the train split needs them.
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|XML:/* "@rx ^[^()]*\)[\s)]*\(\s*(?:[|&!]|[\w.;:-]+\s*[~<>]?=|\))|^[^()]*\*\s*\)\s*(?:\)|\(|\||&|$)|^\s*[\w.@-]*\*\s*\(\s*(?:[|&!]\s*\(|[\w.;:-]+\s*[~<>]?=)|^[^()]*[*)][\s*)]*(?:\x00|%00|\x5cx00|\x5cu0000)" \
  "id:9700800,phase:2,pass,t:none,t:urlDecodeUni,log,\
  msg:'LDAP filter injection',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/ldap',tag:'attack-injection-generic',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"

# The probes of a filter injection, which hold no word to read: a value that
# is only query syntax escaped a second time (%28, %7C, %2A%7C after the
# request's own decoding: a client encodes once, so it is meant for a decoder
# behind this one), a value of nothing but filter operators, bare or escaped,
# with a parenthesis or a wildcard and a boolean one (*()|&', *()|%26', *|),
# and XPath's every-node selector //*. t:none: the escapes are the evidence.
# A value with any word ("100%", "(a|b)", "Tom & Jerry (2)", "*/*", "//") or
# operators alone ("&&", "||", "(*)") does not match.
SecRule ARGS|ARGS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|REQUEST_HEADERS:User-Agent|\
REQUEST_HEADERS:Referer|XML:/* "@rx ^\s*(?:%(?:25)?(?:2[126-9aA]|3[bBcCdDeE]|5[cC]|60|7[cC]))+\s*$|^(?:[\s*()|&!=']|%(?:25)?(?:2[126-9aA]|3[dD]|7[cC]))*(?:(?:[()*]|%(?:25)?2[89aA])(?:[\s*()|&!=']|%(?:25)?(?:2[126-9aA]|3[dD]|7[cC]))*(?:[|&]|%(?:25)?(?:26|7[cC]))|(?:[|&]|%(?:25)?(?:26|7[cC]))(?:[\s*()|&!=']|%(?:25)?(?:2[126-9aA]|3[dD]|7[cC]))*(?:[()*]|%(?:25)?2[89aA]))(?:[\s*()|&!=']|%(?:25)?(?:2[126-9aA]|3[dD]|7[cC]))*$|^\s*//\*\s*$" \
  "id:9700810,phase:2,pass,t:none,log,\
  msg:'LDAP/XPath injection probe (filter syntax alone, escaped twice or bare)',\
  logdata:'%{matched_var} in %{matched_var_name}',\
  tag:'centinela/ldap',tag:'attack-injection-generic',tag:'paranoia-level/1',severity:'CRITICAL',\
  setvar:'tx.anomaly_score_pl1=+%{tx.critical_anomaly_score}'"
)rules";

}  // namespace

std::string_view builtin_rules_text() { return kBuiltinRules; }

seclang::ParseResult builtin_rules() {
  seclang::ParseResult all = seclang::parse_text(kBuiltinRules, "centinela:builtin.conf");
  seclang::ParseResult native = seclang::parse_text(kNativeRules, "centinela:native.conf");
  all.items.insert(all.items.end(), std::make_move_iterator(native.items.begin()),
                   std::make_move_iterator(native.items.end()));
  all.errors.insert(all.errors.end(), native.errors.begin(), native.errors.end());
  return all;
}

NativeSet native_rule_family(std::uint32_t id) {
  if (id < kFirstNativeRule || id >= kFirstNativeRule + 900) return 0;
  switch ((id - kFirstNativeRule) / 100) {
    case 1:
      return kNativeSql;
    case 2:
      return kNativeXss;
    case 3:
      return kNativeShell;
    case 4:
      return kNativePath;
    case 6:  // NoSQL: an injection into a query, as SQL
    case 8:  // LDAP filters: likewise
      return kNativeSql;
    case 7:  // template expressions run code on the server
      return kNativeShell;
    default:
      return kNativeSql | kNativeXss | kNativeShell | kNativePath;  // log4j: any of them
  }
}

seclang::ParseResult parse_with_builtin_rules(std::span<const std::string> files) {
  seclang::ParseResult all = builtin_rules();
  seclang::ParseResult parsed = seclang::parse_files(files);
  all.items.insert(all.items.end(), std::make_move_iterator(parsed.items.begin()),
                   std::make_move_iterator(parsed.items.end()));
  all.errors = std::move(parsed.errors);
  all.files = std::move(parsed.files);
  return all;
}

}  // namespace centinela::waf
