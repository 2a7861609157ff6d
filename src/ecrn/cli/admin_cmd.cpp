// Administration commands: db migrate, org, user, channel, apikey.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <iostream>

#include <termios.h>
#include <unistd.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/totp.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::cli {
namespace {

template <typename List>
bool OneOf(const List& list, std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

std::string Join(const auto& list) {
  std::string out;
  for (std::string_view s : list) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// The password from ECRN_PASSWORD, else prompted on the terminal (no echo),
// else one line of standard input.
Result<std::string> ReadPassword() {
  if (const char* p = std::getenv("ECRN_PASSWORD"); p && *p) return std::string(p);
  std::string line;
  if (isatty(STDIN_FILENO)) {
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    std::cerr << "Password: " << std::flush;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  if (line.empty()) return Error::Invalid("no password given (set ECRN_PASSWORD or type one)");
  return line;
}

void AddDb(CLI::App& app, Context& ctx) {
  auto* db = app.add_subcommand("db", "Database administration");
  db->require_subcommand(1);
  auto* migrate = db->add_subcommand("migrate", "Create or upgrade the database schema");
  AddDbOption(migrate, ctx);
  RunWithDatabase(migrate, ctx, [](store::Store& s) {
    auto v = s.SchemaVersion();
    if (!v) return Fail(v.error());
    std::cout << "schema version " << *v << " (" << s.Backend() << ")\n";
    return kExitOk;
  });
}

void AddOrg(CLI::App& app, Context& ctx) {
  auto* org = app.add_subcommand("org", "Member organisations");
  org->require_subcommand(1);
  auto* add = org->add_subcommand("add", "Admit an organisation; prints its id");
  AddDbOption(add, ctx);
  auto o = std::make_shared<store::Organisation>();
  add->add_option("--name", o->name, "Organisation name")->required();
  add->add_option("--kind", o->kind, "Kind: " + Join(store::kOrgKinds))->required();
  add->add_option("--country", o->country, "ISO 3166-1 alpha-2 country code")->required();
  add->add_option("--region", o->region, "Region (free text)");
  RunWithDatabase(add, ctx, [o](store::Store& s) {
    if (!OneOf(store::kOrgKinds, o->kind)) {
      return Fail(
          "unknown organisation kind '" + o->kind + "'; use one of: " + Join(store::kOrgKinds),
          kExitUsage);
    }
    if (o->country.size() != 2 || !std::isalpha(static_cast<unsigned char>(o->country[0])) ||
        !std::isalpha(static_cast<unsigned char>(o->country[1]))) {
      return Fail("--country must be an ISO 3166-1 alpha-2 code such as MD or GE", kExitUsage);
    }
    for (auto& c : o->country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (o->name.empty()) return Fail("--name must not be empty", kExitUsage);
    o->identity_id = "identity--" + UuidV4();
    o->created = SystemClock().Now();
    auto id = s.AddOrganisation(*o);
    if (!id) return Fail(id.error());
    std::cout << *id << "\n";
    return RecordCli(s, "org.create", "org:" + std::to_string(*id), *id,
                     {{"name", o->name}, {"kind", o->kind}, {"country", o->country}});
  });
  auto* list = org->add_subcommand("list", "List organisations");
  AddDbOption(list, ctx);
  RunWithDatabase(list, ctx, [](store::Store& s) {
    auto orgs = s.ListOrganisations();
    if (!orgs) return Fail(orgs.error());
    for (const auto& x : *orgs) {
      std::cout << x.id << "\t" << x.name << "\t" << x.kind << "\t" << x.country << "\t" << x.region
                << "\t" << x.identity_id << "\n";
    }
    return kExitOk;
  });
}

void AddUser(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "User accounts");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "Create a user (password from ECRN_PASSWORD or prompt)");
  AddDbOption(add, ctx);
  struct Args {
    std::string org, username, role;
  };
  auto a = std::make_shared<Args>();
  add->add_option("--org", a->org, "Organisation name or id")->required();
  add->add_option("--username", a->username, "Login name")->required();
  add->add_option("--role", a->role, "Role: " + Join(store::kRoles))->required();
  RunWithDatabase(add, ctx, [a](store::Store& s) {
    if (!OneOf(store::kRoles, a->role)) {
      return Fail("unknown role '" + a->role + "'; use one of: " + Join(store::kRoles), kExitUsage);
    }
    if (a->username.empty()) return Fail("--username must not be empty", kExitUsage);
    auto org = s.FindOrganisation(a->org);
    if (!org) return Fail(org.error());
    if (a->role == "network-admin" && org->kind != "coordinator") {
      return Fail("network-admin is only for users of a coordinator organisation", kExitUsage);
    }
    auto password = ReadPassword();
    if (!password) return Fail(password.error(), kExitUsage);
    auto hash = HashPassword(*password);
    if (!hash) return Fail(hash.error());
    store::User u;
    u.org_id = org->id;
    u.username = a->username;
    u.role = a->role;
    u.password_hash = *hash;
    u.created = SystemClock().Now();
    auto id = s.AddUser(u);
    if (!id) return Fail(id.error());
    std::cout << *id << "\n";
    return RecordCli(s, "user.create", "user:" + std::to_string(*id), org->id,
                     {{"username", u.username}, {"role", u.role}});
  });
  auto* list = user->add_subcommand("list", "List users");
  AddDbOption(list, ctx);
  auto org_filter = std::make_shared<std::string>();
  list->add_option("--org", *org_filter, "Only this organisation (name or id)");
  RunWithDatabase(list, ctx, [org_filter](store::Store& s) {
    std::optional<int64_t> org_id;
    if (!org_filter->empty()) {
      auto org = s.FindOrganisation(*org_filter);
      if (!org) return Fail(org.error());
      org_id = org->id;
    }
    auto users = s.ListUsers(org_id);
    if (!users) return Fail(users.error());
    for (const auto& u : *users) {
      std::cout << u.id << "\t" << u.username << "\t" << u.role << "\t" << u.org_id
                << (u.disabled ? "\tdisabled" : "") << "\n";
    }
    return kExitOk;
  });
  auto* passwd = user->add_subcommand("passwd", "Set a user's password");
  AddDbOption(passwd, ctx);
  auto who = std::make_shared<std::string>();
  passwd->add_option("--user", *who, "Username or id")->required();
  RunWithDatabase(passwd, ctx, [who](store::Store& s) {
    auto u = s.FindUser(*who);
    if (!u) return Fail(u.error());
    auto password = ReadPassword();
    if (!password) return Fail(password.error(), kExitUsage);
    auto hash = HashPassword(*password);
    if (!hash) return Fail(hash.error());
    auto r = s.SetPassword(u->id, *hash);
    if (!r) return Fail(r.error());
    std::cerr << "password changed for " << u->username << "\n";
    return RecordCli(s, "user.password.set", "user:" + std::to_string(u->id), u->org_id,
                     {{"username", u->username}});
  });
  auto* totp = user->add_subcommand(
      "totp", "Enrol a user in TOTP (prints the new secret and its otpauth:// URI once)");
  AddDbOption(totp, ctx);
  struct TotpArgs {
    std::string user;
    bool remove = false;
  };
  auto t = std::make_shared<TotpArgs>();
  totp->add_option("--user", t->user, "Username or id")->required();
  totp->add_flag("--remove", t->remove,
                 "Remove the second factor instead (network admins cannot sign in without one)");
  RunWithDatabase(totp, ctx, [t](store::Store& s) {
    auto u = s.FindUser(t->user);
    if (!u) return Fail(u.error());
    const std::string raw = t->remove ? std::string() : GenerateTotpSecret();
    const std::string secret = t->remove ? std::string() : Base32Encode(raw);
    if (auto r = s.SetTotp(u->id, secret); !r) return Fail(r.error());
    if (t->remove) {
      std::cerr << "second factor removed for " << u->username
                << (u->role == "network-admin" ? " (they cannot sign in until enrolled again)" : "")
                << "\n";
    } else {
      std::cout << "secret: " << secret << "\n"
                << "uri: " << TotpUri(u->username, raw) << "\n";
      std::cerr << u->username
                << " is enrolled; give them the secret or the URI (as a QR code) privately: "
                   "it is shown only now, and their next sign-in needs a code\n";
    }
    return RecordCli(s, t->remove ? "user.totp.remove" : "user.totp.enrol",
                     "user:" + std::to_string(u->id), u->org_id, {{"username", u->username}});
  });
}

void AddChannel(CLI::App& app, Context& ctx) {
  auto* channel = app.add_subcommand("channel", "Sharing channels (TAXII collections)");
  channel->require_subcommand(1);
  auto* add = channel->add_subcommand("add", "Create a channel; prints its id");
  AddDbOption(add, ctx);
  auto c = std::make_shared<store::Channel>();
  add->add_option("--name", c->name, "Channel name")->required();
  add->add_option("--description", c->description, "What the channel is for");
  add->add_option("--default-tlp", c->default_tlp,
                  "TLP for unmarked objects: clear, green, amber, amber+strict, red")
      ->capture_default_str();
  RunWithDatabase(add, ctx, [c](store::Store& s) {
    auto tlp = stix::TlpFromName(c->default_tlp);
    if (!tlp) {
      return Fail("unknown TLP level '" + c->default_tlp +
                      "'; use clear, green, amber, amber+strict or red",
                  kExitUsage);
    }
    if (c->name.empty()) return Fail("--name must not be empty", kExitUsage);
    c->default_tlp = std::string(stix::TlpToken(*tlp));
    c->created = SystemClock().Now();
    auto id = s.AddChannel(*c);
    if (!id) return Fail(id.error());
    std::cout << *id << "\n";
    return RecordCli(s, "channel.create", "channel:" + std::to_string(*id), std::nullopt,
                     {{"name", c->name}, {"default_tlp", c->default_tlp}});
  });
  auto* list = channel->add_subcommand("list", "List channels");
  AddDbOption(list, ctx);
  RunWithDatabase(list, ctx, [](store::Store& s) {
    auto channels = s.ListChannels();
    if (!channels) return Fail(channels.error());
    for (const auto& x : *channels) {
      std::cout << x.id << "\t" << x.name << "\t" << x.default_tlp << "\t" << x.uuid << "\t"
                << x.description << "\n";
    }
    return kExitOk;
  });
  auto* grant = channel->add_subcommand("grant", "Give an organisation read and/or write rights");
  AddDbOption(grant, ctx);
  struct Args {
    std::string channel, org;
    bool read = false, write = false;
  };
  auto a = std::make_shared<Args>();
  grant->add_option("--channel", a->channel, "Channel name or id")->required();
  grant->add_option("--org", a->org, "Organisation name or id")->required();
  grant->add_flag("--read", a->read, "May read the channel");
  grant->add_flag("--write", a->write, "May share into the channel");
  RunWithDatabase(grant, ctx, [a](store::Store& s) {
    auto ch = s.FindChannel(a->channel);
    if (!ch) return Fail(ch.error());
    auto org = s.FindOrganisation(a->org);
    if (!org) return Fail(org.error());
    auto r = s.Grant({ch->id, org->id, a->read, a->write});
    if (!r) return Fail(r.error());
    std::cerr << org->name << " on " << ch->name << ": " << (a->read ? "read" : "no read") << ", "
              << (a->write ? "write" : "no write") << "\n";
    return RecordCli(
        s, "membership.grant", "channel:" + std::to_string(ch->id), org->id,
        {{"channel", ch->name}, {"org", org->name}, {"read", a->read}, {"write", a->write}});
  });
}

void AddApiKey(CLI::App& app, Context& ctx) {
  auto* apikey = app.add_subcommand("apikey", "API keys for scripts, sensors and TAXII clients");
  apikey->require_subcommand(1);
  auto* create = apikey->add_subcommand("create", "Create a key for a user; prints it once");
  AddDbOption(create, ctx);
  struct Args {
    std::string user;
    bool read_only = false;
    int expires_days = 0;
  };
  auto a = std::make_shared<Args>();
  create->add_option("--user", a->user, "Username or id")->required();
  create->add_flag("--read-only", a->read_only, "The key may only read");
  create->add_option("--expires-days", a->expires_days, "Expire after this many days (0: never)")
      ->check(CLI::Range(0, 36500));
  RunWithDatabase(create, ctx, [a](store::Store& s) {
    auto u = s.FindUser(a->user);
    if (!u) return Fail(u.error());
    auto k = GenerateApiKey();
    store::ApiKey row;
    row.user_id = u->id;
    row.prefix = k.prefix;
    row.key_hash = k.hash;
    row.read_only = a->read_only;
    row.created = SystemClock().Now();
    if (a->expires_days > 0) row.expires = row.created + int64_t{a->expires_days} * 86400000000;
    auto id = s.AddApiKey(row);
    if (!id) return Fail(id.error());
    std::cout << k.key << "\n";
    std::cerr << "key " << *id << " for " << u->username
              << " created; it is shown only now, store it safely\n";
    boost::json::object detail{
        {"user_id", u->id}, {"prefix", k.prefix}, {"read_only", a->read_only}};
    if (row.expires) detail["expires"] = FormatTimestamp(*row.expires, 0);
    return RecordCli(s, "apikey.create", "apikey:" + std::to_string(*id), u->org_id, detail);
  });
  auto* revoke = apikey->add_subcommand("revoke", "Revoke a key (by id or by the key itself)");
  AddDbOption(revoke, ctx);
  auto which = std::make_shared<std::string>();
  revoke->add_option("key", *which, "Key id, or the key")->required();
  RunWithDatabase(revoke, ctx, [which](store::Store& s) {
    int64_t key_id = 0;
    std::optional<int64_t> owner;  // the key's user, when the key itself was given
    std::string prefix = ApiKeyPrefix(*which);
    if (!prefix.empty()) {
      auto keys = s.FindApiKeysByPrefix(prefix);
      if (!keys) return Fail(keys.error());
      std::string hash = HashApiKey(*which);
      for (const auto& k : *keys) {
        if (ConstantTimeEquals(k.key_hash, hash)) {
          key_id = k.id;
          owner = k.user_id;
        }
      }
    } else if (!which->empty() && std::all_of(which->begin(), which->end(),
                                              [](char ch) { return ch >= '0' && ch <= '9'; })) {
      auto [end, ec] = std::from_chars(which->data(), which->data() + which->size(), key_id);
      if (ec != std::errc() || end != which->data() + which->size()) key_id = 0;
    }
    if (key_id == 0) return Fail("no such API key", kExitFailed);
    auto r = s.RevokeApiKey(key_id);
    if (!r) return Fail(r.error());
    std::cerr << "key " << key_id << " revoked\n";
    std::optional<int64_t> owner_org;
    boost::json::object detail;
    if (owner) {
      detail["user_id"] = *owner;
      if (auto u = s.FindUser(std::to_string(*owner))) owner_org = u->org_id;
    }
    return RecordCli(s, "apikey.revoke", "apikey:" + std::to_string(key_id), owner_org, detail);
  });
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx) {
  AddDb(app, ctx);
  AddOrg(app, ctx);
  AddUser(app, ctx);
  AddChannel(app, ctx);
  AddApiKey(app, ctx);
}

}  // namespace ecrn::cli
