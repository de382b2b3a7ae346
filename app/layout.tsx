import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getSessionUser } from "@/server/auth/session";
import { Header } from "./_components/Header";
import { TRPCReactProvider } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Axilla",
  description: "Decision support for axillary lymph node metastasis — research prototype, not for clinical use.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Header user={user} />
        <TRPCReactProvider>
          <main id="main">{children}</main>
        </TRPCReactProvider>
        <footer className="site-footer">
          Research prototype. The demo model is not validated for clinical use.
        </footer>
      </body>
    </html>
  );
}
