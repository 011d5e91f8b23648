// The page's assets, built to dist/ with content-hashed names under /static/; the app serves
// dist/index.html at / and /trade/{symbol}, dist/admin.html (the admin console) at /admin,
// and dist/assets/ at /static/assets/. A deployment
// that serves the assets from a CDN builds with BOURSE_ASSETS_URL=https://static.example.com/
// and uploads dist/assets/ there.
import { defineConfig } from "vite";

export default defineConfig({
  base: process.env.BOURSE_ASSETS_URL || "/static/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No inline scripts or styles, whatever their size: the Content-Security-Policy allows
    // only files of the page's own origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: { input: { trading: "index.html", admin: "admin.html" } },
  },
});
