/** Theme and presentation mode outlive a reload (per browser, in localStorage). */
import type { AppStore } from "../store/app-store";
import type { Theme } from "../store/ui-slice";

const KEY = "tributary.preferences";

interface Preferences {
  theme: Theme;
}

export function loadPreferences(store: AppStore): void {
  let theme: Theme | null = null;
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<Preferences> | null;
    if (saved?.theme === "dark" || saved?.theme === "light") theme = saved.theme;
  } catch {
    /* unreadable preferences: defaults */
  }
  theme ??= matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
  store.getState().setTheme(theme);
  applyToDocument(store);
}

export function savePreferences(store: AppStore): void {
  store.subscribe((state, prev) => {
    if (state.theme === prev.theme && state.presentation === prev.presentation) return;
    applyToDocument(store);
    try {
      localStorage.setItem(KEY, JSON.stringify({ theme: state.theme } satisfies Preferences));
    } catch {
      /* storage full or disabled: the choice lasts this session */
    }
  });
}

function applyToDocument(store: AppStore): void {
  const { theme, presentation } = store.getState();
  document.documentElement.dataset.theme = theme;
  document.documentElement.dataset.presentation = presentation ? "true" : "false";
}
