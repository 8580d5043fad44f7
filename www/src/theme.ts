// Light / dark theme: follows the system (prefers-color-scheme) until the person picks one
// with the toggle; the choice is kept in localStorage and set as <html data-theme>.
const KEY = "dynaplay.theme";
type Theme = "system" | "light" | "dark";
const ORDER: Theme[] = ["system", "light", "dark"];

function stored(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

function apply(theme: Theme) {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function createThemeToggle(button: HTMLButtonElement) {
  let theme = stored();
  const label = () => {
    button.textContent = `Theme: ${theme}`;
    button.setAttribute("aria-label", `Colour theme: ${theme}. Activate to switch to ${ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length]}.`);
  };
  apply(theme);
  label();
  button.addEventListener("click", () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length]!;
    try {
      if (theme === "system") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // the choice then lasts until reload
    }
    apply(theme);
    label();
  });
}
