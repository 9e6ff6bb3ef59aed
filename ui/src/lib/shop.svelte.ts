// What the window knows about the shop, loaded through the commands and refreshed when the
// change feed says something changed — here or in another process.
import { commands, events, type AppInfo, type Change, type Profile, type Settings, type Theme } from "./bindings";
import { call, CommandError } from "./api";
import { setLanguage } from "./i18n/index.svelte";

class Shop {
  info = $state<AppInfo | null>(null);
  profile = $state<Profile | null>(null);
  settings = $state<Settings | null>(null);
  /** Why the store could not be opened; the window shows only this then. */
  fatal = $state<CommandError | null>(null);
  /** Bumped whenever the profile changed elsewhere, so an open form can offer to reload. */
  profileRevision = $state(0);
  /** Bumped whenever listings or completeness rules changed, here or elsewhere. */
  listingsRevision = $state(0);
  /** Bumped whenever an order or its messages changed, here or elsewhere. */
  ordersRevision = $state(0);

  async load(): Promise<void> {
    try {
      // At once, not one after another: each waits for the store, which opens as the window starts.
      const [info, profile, settings] = await Promise.all([
        call(commands.appInfo()),
        call(commands.getProfile()),
        call(commands.getSettings()),
      ]);
      this.info = info;
      this.setProfile(profile);
      this.setSettings(settings);
    } catch (e) {
      this.fatal = e instanceof CommandError ? e : new CommandError({ code: "unknown", params: {}, message: String(e), fields: [] });
    }
  }

  setProfile(p: Profile): void {
    this.profile = p;
    setLanguage(p.ui_language);
  }

  setSettings(s: Settings): void {
    this.settings = s;
    applyTheme(s.theme);
  }

  async onChanges(changes: Change[]): Promise<void> {
    if (changes.some((c) => c.kind === "profile" && c.foreign)) {
      this.setProfile(await call(commands.getProfile()));
      this.profileRevision++;
    }
    if (changes.some((c) => c.kind === "listings" || c.kind === "completeness_rules")) {
      this.listingsRevision++;
    }
    if (changes.some((c) => c.kind === "orders")) {
      this.ordersRevision++;
    }
    if (changes.some((c) => c.kind === "settings" && c.foreign)) {
      this.setSettings(await call(commands.getSettings()));
    }
  }

  /** Listens to the shell's change feed; returns the function that stops listening. */
  async listen(): Promise<() => void> {
    return events.changesEvent.listen((e) => {
      void this.onChanges(e.payload.changes);
    });
  }
}

export function applyTheme(theme: Theme): void {
  if (typeof document === "undefined") return;
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export const shop = new Shop();
