; Inno Setup 6 script for the KESCO counter application.
;
; Build (on Windows, after `python packaging\build.py` made dist\counter-app\):
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\counter-app.iss
; -> dist\kesco-counter-setup-<version>.exe. See docs/INSTALL.md.
;
; What it does:
; - the program goes to Program Files (read-only for everyone but administrators);
; - the data folder is C:\ProgramData\KESCO\KESCO Counter (where platformdirs puts the machine's
;   data): administrators and SYSTEM full control, the local group "KESCO Counter Clerks" (created
;   here; IT adds the clerks' Windows accounts) may create and change files (database, logs, backups),
;   other users may only read;
; - config.toml in it is writable by administrators only (clerks read it);
; - after copying, the console executable runs its own --smoke-test;
; - an upgrade installs over the old version; the app backs up and migrates the database at its
;   next start; uninstalling never deletes the data folder.

#define AppName "KESCO Counter"
#define AppVersion "0.1.0"
#define AppPublisher "Kanpur Electricity Supply Company Ltd. (KESCO)"
#define AppExe "counter-app.exe"
#define CliExe "counter-cli.exe"
#define ClerksGroup "KESCO Counter Clerks"
#define DataDir "{commonappdata}\KESCO\KESCO Counter"
#ifndef DistDir
  #define DistDir "..\..\dist\counter-app"
#endif

[Setup]
AppId={{5B0E3C52-8E7A-4C1F-9A7D-2D6E1B4F7C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=kesco-counter-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut for the clerks"; GroupDescription: "Shortcuts:"

[Dirs]
; Permissions here only add entries; the [Run] icacls lines below replace the inherited ones.
Name: "{#DataDir}"; Permissions: admins-full system-full; Flags: uninsneveruninstall
Name: "{#DataDir}\logs"; Flags: uninsneveruninstall
Name: "{#DataDir}\backups"; Flags: uninsneveruninstall

[Files]
; The whole PyInstaller folder. A previous version's files are replaced; stray old files in
; {app}\_internal are removed first (InstallDelete) so two Qt versions never mix.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} doctor (IT)"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" doctor"
Name: "{group}\{#AppName} data folder"; Filename: "{#DataDir}"
Name: "{commondesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; 1. the clerks' local group (exit code 2 when it exists already: ignored)
Filename: "{sys}\net.exe"; Parameters: "localgroup ""{#ClerksGroup}"" /add /comment:""May use the KESCO cash counter data"""; Flags: runhidden; StatusMsg: "Creating the clerks' group..."
; 2. data folder: administrators and SYSTEM full, clerks modify, other users read; inheritance cut
Filename: "{sys}\icacls.exe"; Parameters: """{#DataDir}"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F ""{#ClerksGroup}"":(OI)(CI)M *S-1-5-32-545:(OI)(CI)RX"; Flags: runhidden; StatusMsg: "Setting permissions on the data folder..."
; 3. config.toml (when it exists, i.e. on an upgrade): administrators only, users read
Filename: "{sys}\icacls.exe"; Parameters: """{#DataDir}\config.toml"" /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F *S-1-5-32-545:RX"; Flags: runhidden; Check: ConfigExists
; 4. prove the installed copy works on this PC (the result is in the data folder's log)
Filename: "{app}\{#CliExe}"; Parameters: "--smoke-test"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation (smoke test)..."
; 5. first start: the setup dialog (counter code, server address, enrollment code)
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now (first time: counter setup)"; Flags: postinstall nowait skipifsilent unchecked

[UninstallDelete]
; program files only: the data folder (database, backups, logs) is never deleted by an uninstall

[Code]
function ConfigExists(): Boolean;
begin
  Result := FileExists(ExpandConstant('{#DataDir}\config.toml'));
end;
